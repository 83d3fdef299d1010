"""The evaluation entry point end to end: `papermill nbs/evaluate.ipynb OUT -p run_dir DIR` on a tiny `shapes`
run trained here writes DIR/eval.json with every key of the contract (DESIGN.md); bad parameters fail with one
clear message before any work; features are cached beside the run."""
import json, os, subprocess, sys, time
from pathlib import Path
import pytest

from conftest import ROOT
from simvae_nb.learner import TrainConfig, train

KEYS = ['knn_acc', 'knn_k', 'knn_val_k', 'knn_acc_val_k', 'linear_acc', 'mlp_acc', 'gmm_acc', 'nmi', 'ari', 'style']
SMALL = ['-p', 'max_train', '2000', '-p', 'max_test', '1000', '-p', 'probe_epochs', '20', '-p', 'gmm_inits', '2',
         '-p', 'style_train', '1000', '-p', 'style_test', '500']


def _env(tmp):
    return {**os.environ, 'SIMVAE_CACHE': str(tmp / 'cache'), 'PYTHONPATH': str(ROOT), 'MPLBACKEND': 'Agg',
            'PYTHONWARNINGS': 'ignore'}


def _papermill(tmp, *params):
    cmd = [sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / 'evaluate.ipynb'), str(tmp / 'out.ipynb'), '--cwd', str(ROOT / 'nbs'), *params]
    return subprocess.run(cmd, env=_env(tmp), capture_output=True, text=True)


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp('runs')
    os.environ['SIMVAE_CACHE'] = str(d / 'cache')
    kw = dict(dataset='shapes', train_size=512, batch_size=64, progress=False)
    train(TrainConfig(method='simvae', epochs=1, n_views=2, out_dir=str(d / 'simvae'), **kw))
    train(TrainConfig(method='random', out_dir=str(d / 'random'), **kw))
    return d


@pytest.mark.parametrize('method', ['simvae', 'random'])
def test_papermill_writes_eval_json(runs, tmp_path, method):
    run = runs / method
    r = _papermill(tmp_path, '-p', 'run_dir', str(run), *SMALL)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    ev = json.loads((run / 'eval.json').read_text())
    for k in KEYS: assert k in ev, k
    for k in KEYS[:-1]:
        assert isinstance(ev[k], (int, float)) and ev[k] == ev[k], (k, ev[k])      # a number, not NaN
    for k in ('knn_acc', 'linear_acc', 'mlp_acc', 'gmm_acc'): assert 0 <= ev[k] <= 100, (k, ev[k])
    assert 1 <= ev['knn_k'] <= 15 and isinstance(ev['knn_k'], int)
    assert 1 <= ev['knn_val_k'] <= 15 and abs(ev['knn_acc_val_k'] - ev['details']['knn_curve'][ev['knn_val_k'] - 1]) <= 5e-4   # the curve is stored to 3 decimals
    assert -100 <= ev['ari'] <= 100 and 0 <= ev['nmi'] <= 100
    st = ev['style']
    assert {'crop_x', 'crop_y', 'crop_area', 'crop_ratio', 'flip', 'brightness', 'hue'} <= set(st['augmentation'])
    assert set(st['factors']) == {'class', 'x', 'y', 'scale', 'rotation', 'hue'}
    assert ev['protocol']['probe_epochs'] == 20 and ev['protocol']['gmm_inits'] == 2 and ev['run']['method'] == method
    assert (run / 'features' / 'train.pt').exists() and (run / 'features' / 'views_test.pt').exists()


def test_cache_is_reused(runs, tmp_path):
    "The second evaluation of the same checkpoint reuses the cached features (and gives the same numbers)."
    run = runs / 'simvae'
    if not (run / 'eval.json').exists():
        assert _papermill(tmp_path, '-p', 'run_dir', str(run), *SMALL).returncode == 0
    first = json.loads((run / 'eval.json').read_text())
    r = _papermill(tmp_path, '-p', 'run_dir', str(run), *SMALL)
    assert r.returncode == 0, r.stderr[-2000:]
    again = json.loads((run / 'eval.json').read_text())
    assert {k: again[k] for k in KEYS[:-1]} == {k: first[k] for k in KEYS[:-1]}
    assert again['seconds']['features'] < first['seconds']['features']


@pytest.mark.parametrize('params, msg', [
    (['-p', 'run_dir', 'EMPTY'], 'has no checkpoint.pt'),
    (['-p', 'run_dir', 'RUN', '-p', 'gmm_inits', '0'], 'gmm_inits must be an integer >= 1'),
])   # the other checks of EvalConfig and check_run_dir are tested in the notebooks; these show the wiring
def test_bad_parameters_fail_before_work(runs, tmp_path, params, msg):
    (tmp_path / 'empty').mkdir()
    params = [str(tmp_path / 'empty') if p == 'EMPTY' else str(runs / 'random') if p == 'RUN' else p for p in params]
    before = (runs / 'random' / 'eval.json').stat().st_mtime if (runs / 'random' / 'eval.json').exists() else None
    t = time.time()
    r = _papermill(tmp_path, *params)
    assert r.returncode != 0 and msg in r.stdout + r.stderr, (r.stdout + r.stderr)[-3000:]
    after = (runs / 'random' / 'eval.json').stat().st_mtime if (runs / 'random' / 'eval.json').exists() else None
    assert before == after, 'eval.json was rewritten: work started before the parameters were validated'
