"""The papermill contract of DESIGN.md: `papermill nbs/train.ipynb OUT -p dataset D -p method M ... -p out_dir DIR`
writes config.json, metrics.jsonl (one line per epoch) and checkpoint.pt, resumes when re-run, and a bad
parameter stops the notebook with one clear error before any work."""
import json
from pathlib import Path
import papermill as pm
import pytest

from conftest import ROOT
from simvae_nb.learner import load_checkpoint

TINY = dict(dataset='shapes', method='simvae', seed=0, epochs=2, n_views=2, batch_size=64, train_size=512, lr=1e-3)


def _train(tmp, **kw):
    out = tmp / 'executed.ipynb'
    pm.execute_notebook(str(ROOT / 'nbs/train.ipynb'), str(out), parameters=kw, cwd=str(ROOT / 'nbs'),
                        progress_bar=False, kernel_name='python3')
    return out


def test_train_notebook_writes_the_run_dir_and_resumes(tmp_path):
    run = tmp_path / 'run'
    _train(tmp_path, **TINY, out_dir=str(run))
    cfg = json.loads((run / 'config.json').read_text())
    assert {k: cfg[k] for k in TINY} == TINY
    assert [json.loads(l)['epoch'] for l in (run / 'metrics.jsonl').read_text().splitlines()] == [1, 2]
    ck = load_checkpoint(run / 'checkpoint.pt')
    assert ck['epoch'] == 2 and set(ck) >= {'model', 'optimizer', 'rng', 'epoch'}
    _train(tmp_path, **{**TINY, 'epochs': 3}, out_dir=str(run))          # same command, more epochs: resumes
    assert [json.loads(l)['epoch'] for l in (run / 'metrics.jsonl').read_text().splitlines()] == [1, 2, 3]


@pytest.mark.parametrize('kw, msg', [(dict(method='byol'), 'choose one of simvae'),
                                     (dict(n_views=1), 'simvae needs n_views >= 2')])
# every other check of TrainConfig is tested in the trainer's notebook; these show the notebook's wiring
def test_train_notebook_rejects_bad_parameters(tmp_path, kw, msg):
    with pytest.raises(pm.PapermillExecutionError) as e:
        _train(tmp_path, **{**TINY, **kw}, out_dir=str(tmp_path / 'run'))
    assert msg in str(e.value)
    assert not (tmp_path / 'run').exists()
