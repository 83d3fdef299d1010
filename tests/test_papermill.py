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


def test_online_evaluation_on_real_fashion_mnist(tmp_path):
    "`-p eval_every 1` writes val_knn_acc into every line of metrics.jsonl; the validation images are held out of training."
    run = tmp_path / 'fm'
    _train(tmp_path, dataset='fashion_mnist', method='simvae', epochs=2, n_views=2, batch_size=128, train_size=3000,
           lr=1e-3, eval_every=1, out_dir=str(run))
    lines = [json.loads(l) for l in (run / 'metrics.jsonl').read_text().splitlines()]
    assert [l['epoch'] for l in lines] == [1, 2] and all(10 < l['val_knn_acc'] <= 100 for l in lines), lines
    cfg = json.loads((run / 'config.json').read_text())
    assert cfg['val_size'] == 500 and cfg['_run']['validation_images'] == [2500, 3000] and cfg['_run']['images'] == 2500
    assert lines[-1]['views_seen'] == 2 * (2500 // 128) * 128 * 2
