"""The trainer end to end, in separate processes: SIGKILL mid-epoch then resume gives the uninterrupted
run's exact checkpoint; two CPU processes train under DistributedDataParallel (gloo); bad command lines fail
with one clear message before any work."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
import torch

from simvae_nb.learner import checkpoint_digest, load_checkpoint

CLI = [sys.executable, '-m', 'simvae_nb.cli']
RUN = ['--dataset', 'shapes', '--method', 'simvae', '--epochs', '3', '--train_size', '3072', '--batch_size', '64',
       '--n_views', '4', '--lr', '1e-3', '--no_progress']


def _env(tmp):
    return {**os.environ, 'SIMVAE_CACHE': str(tmp / 'cache'), 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore'}


def _epoch(ck: Path):
    try: return load_checkpoint(ck)['epoch']
    except Exception: return None   # not there yet


def test_sigkill_mid_epoch_then_resume_is_exact(tmp_path):
    env = _env(tmp_path)
    subprocess.run(CLI + RUN + ['--out_dir', str(tmp_path / 'straight')], env=env, check=True, capture_output=True)

    killed = tmp_path / 'killed'
    p = subprocess.Popen(CLI + RUN + ['--out_dir', str(killed)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while _epoch(killed / 'checkpoint.pt') != 1:
        assert p.poll() is None, 'the run ended before it could be killed'
        assert time.time() - t0 < 300, 'no checkpoint after 5 minutes'
        time.sleep(0.02)
    time.sleep(0.3)                                              # well into epoch 2
    os.kill(p.pid, signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL
    assert _epoch(killed / 'checkpoint.pt') == 1, 'killed too late: epoch 2 had finished'
    assert len((killed / 'metrics.jsonl').read_text().splitlines()) == 1

    subprocess.run(CLI + RUN + ['--out_dir', str(killed)], env=env, check=True, capture_output=True)
    a, b = load_checkpoint(tmp_path / 'straight' / 'checkpoint.pt'), load_checkpoint(killed / 'checkpoint.pt')
    assert a['epoch'] == b['epoch'] == 3 and a['step'] == b['step']
    for k in a['model']: assert torch.equal(a['model'][k], b['model'][k]), k
    assert checkpoint_digest(a) == checkpoint_digest(b)
    ma = [json.loads(l) for l in (tmp_path / 'straight' / 'metrics.jsonl').read_text().splitlines()]
    mb = [json.loads(l) for l in (killed / 'metrics.jsonl').read_text().splitlines()]
    assert [m['epoch'] for m in mb] == [1, 2, 3]
    assert [m['loss'] for m in ma] == [m['loss'] for m in mb]


def test_ddp_two_cpu_processes(tmp_path):
    out = tmp_path / 'ddp'
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', '29517',
                        '-m', 'simvae_nb.cli', '--dataset', 'shapes', '--method', 'simvae', '--epochs', '2',
                        '--train_size', '512', '--batch_size', '64', '--n_views', '2', '--lr', '1e-3', '--device', 'cpu',
                        '--no_progress', '--out_dir', str(out)], env=_env(tmp_path), capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert json.loads((out / 'config.json').read_text())['_run']['world_size'] == 2
    lines = [json.loads(l) for l in (out / 'metrics.jsonl').read_text().splitlines()]
    assert [l['epoch'] for l in lines] == [1, 2]
    assert lines[-1]['step'] == 2 * 512 // 64                      # steps of the global batch, not per process
    assert lines[1]['loss'] < lines[0]['loss']
    assert load_checkpoint(out / 'checkpoint.pt')['epoch'] == 2


@pytest.mark.parametrize('args, msg', [
    (['--method', 'byol'], 'choose one of simvae'),
    (['--method', 'simvae', '--n_views', '1'], 'simvae needs n_views >= 2'),
    (['--hparams', '{"prior_var": -1}'], 'prior_var must be > 0'),
    (['--lr', '0'], 'lr must be a number > 0'),
    (['--dataset', 'cifar100'], 'choose one of mnist'),
])
def test_cli_rejects_bad_config_before_work(tmp_path, args, msg):
    t = time.time()
    r = subprocess.run(CLI + ['--out_dir', str(tmp_path / 'x'), *args], env=_env(tmp_path), capture_output=True, text=True)
    assert r.returncode != 0 and msg in r.stderr, r.stderr[-2000:]
    assert not (tmp_path / 'x').exists(), 'work started before the config was validated'
