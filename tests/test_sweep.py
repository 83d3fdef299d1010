"""The sweep end to end on the `tiny` profile, through papermill: killed after its first run finished and
started again with two lanes, it re-runs nothing that finished; then the figures notebook builds its report from the results.
And the submitit executor, with submitit's local cluster."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import papermill as pm
import pytest

from conftest import ROOT
from simvae_nb.sweep import RunSpec, run_state, sweep, tiny_profile, TINY_EVAL

SWEEP = str(Path(sys.executable).parent / 'simvae_sweep')


def _env(tmp):
    return {**os.environ, 'SIMVAE_CACHE': str(tmp / 'cache'), 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore'}


def _snapshot(run: Path) -> dict:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in run.iterdir() if p.is_file()}


def test_killed_sweep_restarts_without_rerunning_finished_runs_then_figures(tmp_path):
    root, env = tmp_path / 'sweep', _env(tmp_path)
    specs = tiny_profile()
    first = root / specs[0].name
    p = subprocess.Popen([SWEEP, '--profile', 'tiny', '--root', str(root)], env=env, start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while run_state(specs[0], root) != 'done':            # trained and evaluated
        assert p.poll() is None, 'the sweep ended before it could be killed'
        assert time.time() - t0 < 600
        time.sleep(0.2)
    os.killpg(p.pid, signal.SIGKILL); p.wait()            # the sweep and its papermill kernels
    states = {s.name: run_state(s, root) for s in specs}
    assert states[specs[0].name] == 'done' and list(states.values()).count('done') < len(specs), states
    before = _snapshot(first)

    r = subprocess.run([SWEEP, '--profile', 'tiny', '--root', str(root), '--workers', '2'], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]   # the rest, two lanes at a time (one core each)
    assert '1 done (skipped)' in r.stdout or f'{list(states.values()).count("done")} done (skipped)' in r.stdout
    assert _snapshot(first) == before, 'a finished run was run again'
    assert all(run_state(s, root) == 'done' for s in specs)
    for s in specs:
        ev = json.loads((root / s.name / 'eval.json').read_text())
        assert {'knn_acc', 'knn_k', 'linear_acc', 'mlp_acc', 'gmm_acc', 'nmi', 'ari', 'style'} <= set(ev)
        assert (root / s.name / 'train.ipynb').exists() and (root / s.name / 'evaluate.ipynb').exists()

    out = tmp_path / 'figures'
    pm.execute_notebook(str(ROOT / 'nbs/figures.ipynb'), str(tmp_path / 'figures.ipynb'), progress_bar=False,
                        parameters=dict(roots=[str(root)], out_dir=str(out), decoder_epochs=2, decoder_train_size=500,
                                        recon_n=4, fid=False), kernel_name='python3')
    for f in ('results_long.csv', 'table1.csv', 'style.csv', 'reconstructions_shapes.png', 'samples_shapes.png', 'report.csv'):
        assert (out / f).exists(), f
    assert json.loads((root / specs[0].name / 'spec.json').read_text())['budget'].startswith('tiny')

    # the same sweep recorded: small files, no checkpoint, every record current
    rec = tmp_path / 'results'
    r = subprocess.run([str(Path(sys.executable).parent / 'simvae_record'), str(root), '--to', str(rec)], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.count('recorded') == len(specs), r.stdout + r.stderr
    assert not list(rec.rglob('*.pt')), 'a record holds a checkpoint'
    from simvae_nb.run import iter_runs
    recs = iter_runs(rec)                                 # the records read back as current runs (the report's input; its
    assert len(recs) == len(specs) and all(r.recorded and r.eval_problem() is None for r in recs)   # arrays: nbs/33_records)


def test_submitit_local_executor(tmp_path):
    spec = RunSpec('main/shapes/vae/seed0', dict(dataset='shapes', method='vae', seed=0, epochs=1, train_size=256, batch_size=64),
                   TINY_EVAL, 'main', 'tiny')
    os.environ['SIMVAE_CACHE'] = str(tmp_path / 'cache')
    states = sweep([spec], tmp_path / 'sweep', executor='submitit', cluster='local', folder=tmp_path / 'submitit')
    assert states == {spec.name: 'done'}, states
    assert (tmp_path / 'sweep' / spec.name / 'eval.json').exists()
    assert any((tmp_path / 'submitit').iterdir())                     # submitit's job folder: it ran as a submitit job
