"""Hostile inputs: what a new user can get wrong, and what can go wrong under them, against the papermill
notebooks, the command lines and the sweep. Each case was seen to do the wrong thing silently, or to fail with
an unclear message; each test reproduces it as it was reported and checks that it now gives a clear early
error or the correct behaviour. `CASES` lists them all (the closing table of the issue is printed from it by
`python tests/test_hostile.py`)."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import papermill as pm
import pytest
import torch

from conftest import ROOT
from simvae_nb.learner import Callback, NonFiniteLossError, train
from simvae_nb.run import TrainConfig, load_checkpoint, read_metrics
from simvae_nb.data import DataNotFoundError, load_dataset
from simvae_nb.sweep import RunSpec, run_state, sweep, TINY_EVAL

BIN = Path(sys.executable).parent
CLI = [sys.executable, '-m', 'simvae_nb.cli']
SHAPES = ['--dataset', 'shapes', '--method', 'simvae', '--train_size', '3072', '--batch_size', '64', '--n_views', '4',
          '--lr', '1e-3', '--no_progress']
TINY = dict(dataset='shapes', method='simvae', seed=0, epochs=1, n_views=2, batch_size=64, train_size=256, lr=1e-3)
QUICK_EVAL = dict(probe_epochs=2, gmm_inits=1, max_train=256, max_test=128, style_train=128, style_test=64, post_head=False)

# (case, what a user sees now, the test that covers it)
CASES = [
    ('evaluate an unfinished (killed) run', 'RUN is unfinished: its checkpoint is at epoch 1 of 6 ... allow_unfinished=True', 'test_evaluating_an_unfinished_run_is_refused'),
    ('evaluate a NaN-stopped run', "RUN is unfinished: its checkpoint is at epoch 1 of 3 (its log ends: '... stopped at epoch 1 of 3: NonFiniteLossError ...')", 'test_evaluating_a_nan_stopped_run_is_refused'),
    ('explicit data_root missing', 'data_root /no/such/dir does not exist; create it and put the fashion_mnist files there ...', 'test_explicit_data_root_is_used_or_refused'),
    ('explicit data_root empty / 3 of 4 files', "dataset 'fashion_mnist' not found. Looked in, in order: data_root DIR: nothing in a known layout (it holds [...])", 'test_explicit_data_root_is_used_or_refused'),
    ('two runs into one out_dir at once', 'DIR is in use by another process (pid N, training simvae on shapes, since ...); wait for it to finish, or use another folder', 'test_two_runs_into_one_out_dir'),
    ('restart before the first checkpoint', 'correct: metrics.jsonl lists epochs 1, 2, 3 once each', 'test_restart_before_first_checkpoint_does_not_duplicate_the_log'),
    ('kill during the first checkpoint write', 'correct: the orphan .checkpoint.pt.PID.tmp is removed, the log is not duplicated', 'test_restart_before_first_checkpoint_does_not_duplicate_the_log'),
    ('typo in a train.ipynb parameter (-p epoch 1)', "train.ipynb has no field 'epoch' (did you mean 'epochs'?); valid: ...", 'test_unknown_parameters_are_refused'),
    ('method hyper-parameter at the top level (-p likelihood_var 0.02)', "train.ipynb has no field 'likelihood_var' (a hyper-parameter of the method: -y 'hparams: {likelihood_var: VALUE}')", 'test_unknown_parameters_are_refused'),
    ('typo in an evaluate.ipynb / figures.ipynb parameter', "evaluate.ipynb has no field 'gmm_init' (did you mean 'gmm_inits'?)", 'test_unknown_parameters_are_refused'),
    ('deleted metrics.jsonl', "correct: the sweep calls the run 'done'; re-running train restores metrics.jsonl from the checkpoint", 'test_deleted_metrics_is_restored_and_the_sweep_trusts_the_checkpoint'),
    ('simvae_sweep --only GLOB matching nothing', "simvae_sweep: error: --only 'nothing/*' matches none of the 4 runs of this profile, e.g. ...", 'test_sweep_refuses_bad_arguments_before_any_work'),
    ("figures.ipynb -p roots '[\"runs/cpu\"]'", "correct: parsed as a list; a missing root is named: roots not found: ['DIR']", 'test_list_and_dict_parameters_as_json_text'),
    ("train.ipynb -p hparams '{...}'", "correct for JSON; else: hparams must be a dict or its JSON text, got the text '{prior_var: 0.1}', which is not JSON ...", 'test_list_and_dict_parameters_as_json_text'),
    ('resuming overwrites the executed notebook', 'correct: every attempt is appended to RUN/train.log; the sweep keeps train.1.ipynb', 'test_every_attempt_is_logged_and_orphan_tmp_files_are_removed'),
    ('orphan .checkpoint.pt.PID.tmp after SIGKILL', 'correct: removed by the next process that takes the run directory', 'test_every_attempt_is_logged_and_orphan_tmp_files_are_removed'),
    ('device cuda on a CPU-only machine (train)', "device 'cuda:99' was asked for, but torch finds no usable CUDA GPU on this machine; use device 'auto' or 'cpu'", 'test_device_not_on_this_machine'),
    ('device cuda on a CPU-only machine (evaluate)', "device 'cuda:99' was asked for, but torch finds no usable CUDA GPU ...", 'test_device_not_on_this_machine'),
    ('quoted number in hparams (likelihood_var "0.02")', "SimVAEConfig.likelihood_var must be a number, got '0.02' (a quoted number is text: write it without quotes)", 'test_wrong_types_name_the_field'),
    ('crop_scale 0.5 (a number for a range)', 'Recipe.crop_scale must be a pair or list [a, b], got 0.5 (a single number where a range is expected: give both ends)', 'test_wrong_types_name_the_field'),
    ('truncated checkpoint.pt', 'RUN/checkpoint.pt cannot be read (...): it is truncated or not a checkpoint. Delete it ... or restore it from a copy', 'test_damaged_run_files_are_named'),
    ('0-byte checkpoint.pt', 'RUN/checkpoint.pt is empty (0 bytes): the process writing it was killed. Delete it ...', 'test_damaged_run_files_are_named'),
    ('corrupt config.json', 'RUN/config.json is not valid JSON (...); restore it, or delete the run directory and train again', 'test_damaged_run_files_are_named'),
    ("simvae_train --hparams '{bad'", "simvae_train: error: hparams must be a dict or its JSON text, got the text '{bad', which is not JSON ...", 'test_cli_names_the_bad_flag'),
    ('out_dir in a location that cannot be written', 'cannot create the run directory /proc/...: No such file or directory; choose another location (before the data loads)', 'test_unwritable_out_dir_fails_before_the_data_loads'),
    ('simvae_sweep --executor foo', "simvae_sweep: error: executor must be 'local' or 'submitit', got 'foo' (no root folder is created)", 'test_sweep_refuses_bad_arguments_before_any_work'),
    ('simvae_sweep --workers 0', 'simvae_sweep: error: workers must be an integer >= 1, got 0', 'test_sweep_refuses_bad_arguments_before_any_work'),
    ('simvae_sweep --settings with a profile other than cpu_long', "simvae_sweep: error: --settings is for --profile cpu_long, not 'tiny'", 'test_sweep_refuses_bad_arguments_before_any_work'),
    ('train on after evaluating (-p epochs 2, evaluate, -p epochs 4): the report showed the 2-epoch scores', 'RUN/eval.json is stale: it scores another model than checkpoint.pt (epoch 2; the checkpoint is now at epoch 4); refresh it with: papermill nbs/evaluate.ipynb ... (report, sweep table and simvae_record leave it out or refuse it)', 'test_a_stale_evaluation_is_never_reported'),
    ('a sweep root holding another run under a profile\'s run name', "mismatch NAME: the folder holds another run than this profile asks for (field: saved, asked) {'n_views': (2, 4), ...}; it is left alone", 'test_a_sweep_never_takes_another_run_for_its_own'),
    ('re-training a folder with fewer epochs than it holds', 'RUN already holds 2 epochs, more than the 1 asked for; ask for epochs >= 2 ..., or use another out_dir', 'test_fewer_epochs_than_the_folder_holds_are_refused'),
    ('validation rows of capped features (validation_rows(val_size=10000), 20,000 features)', 'correct: the last sixth of the 20,000, said to be trained on (the held-out 50,000.. are not among them)', 'nbs/32_evaluation.ipynb'),
    ("eval.json truncated / [] / {} under the report's root", "RUN/eval.json is not valid JSON (...) / holds a JSON list, not an object / has no run section: ...; evaluate the run again: papermill nbs/evaluate.ipynb ...", 'test_damaged_eval_json_is_named_with_its_fix'),
    ('a sweep started beside another on the same root', "correct: a run another process holds is 'running elsewhere (pid N, ...)', not failed; its files are not touched", 'test_a_busy_run_is_left_alone_by_a_second_sweep'),
    ('lr 1e9: non-finite loss in the first epoch', 'non-finite loss at epoch 1, ...: no checkpoint was written before it (nothing is kept: ...). Try a lower lr.', 'test_non_finite_before_any_checkpoint_says_nothing_is_kept'),
    ('a run not made by a sweep in the report', "its budget reads 'not from a sweep: 1 epochs x 256 images x J=2, lr 0.001'", 'test_damaged_eval_json_is_named_with_its_fix'),
    ('a full disk while a checkpoint or record is written', 'no space left on the device for RUN/checkpoint.pt (N bytes; the file there is unchanged): free some space, or choose another folder (the temporary file is removed)', 'nbs/19_run.ipynb'),
    ('the report with an out_dir it cannot write', 'cannot write the figures to DIR (...); choose a writable folder with -p out_dir DIR', 'test_damaged_eval_json_is_named_with_its_fix'),
]


def _env(tmp):
    return {**os.environ, 'SIMVAE_CACHE': str(tmp / 'cache'), 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore'}


def _nb(name, tmp, **params):
    return pm.execute_notebook(str(ROOT / 'nbs' / name), str(tmp / f'out-{name}'), parameters=params, cwd=str(ROOT / 'nbs'),
                               progress_bar=False, kernel_name='python3')


def _fails(name, tmp, msg, **params):
    with pytest.raises(pm.PapermillExecutionError) as e: _nb(name, tmp, **params)
    assert msg in str(e.value), str(e.value)[-2000:]
    return str(e.value)


def _kill_when(p, cond, limit=300):
    t0 = time.time()
    while not cond():
        assert p.poll() is None, 'the run ended before it could be killed'
        assert time.time() - t0 < limit
        time.sleep(0.02)
    os.kill(p.pid, signal.SIGKILL); p.wait()


def _lines(run): return len(read_metrics(run / 'metrics.jsonl'))


def _epoch(run):
    try: return load_checkpoint(run / 'checkpoint.pt')['epoch']
    except Exception: return 0                                                  # not there yet


def test_evaluating_an_unfinished_run_is_refused(tmp_path):
    run = tmp_path / 'R'
    p = subprocess.Popen(CLI + SHAPES + ['--epochs', '6', '--out_dir', str(run)], env=_env(tmp_path),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(p, lambda: (run / 'metrics.jsonl').exists() and _lines(run) >= 1 and _epoch(run) >= 1)
    done = load_checkpoint(run / 'checkpoint.pt')['epoch']
    assert 1 <= done < 6
    _fails('evaluate.ipynb', tmp_path, f'{run} is unfinished: its checkpoint is at epoch {done} of 6', run_dir=str(run))
    assert not (run / 'eval.json').exists()
    _nb('evaluate.ipynb', tmp_path, run_dir=str(run), allow_unfinished=True, **QUICK_EVAL)    # asked for: recorded as it is
    ev = json.loads((run / 'eval.json').read_text())
    assert (ev['run']['epochs'], ev['run']['target_epochs']) == (done, 6)


class _Poison(Callback):
    def after_batch(self, learn):
        if learn.epoch == 1 and learn.batch == 1:
            with torch.no_grad(): next(learn.method.parameters()).view(-1)[0] = float('nan')


def test_evaluating_a_nan_stopped_run_is_refused(tmp_path):
    run = tmp_path / 'nan'
    with pytest.raises(NonFiniteLossError): train(TrainConfig(**{**TINY, 'epochs': 3}, out_dir=str(run), progress=False), cbs=[_Poison()])
    msg = _fails('evaluate.ipynb', tmp_path, f'{run} is unfinished: its checkpoint is at epoch 1 of 3', run_dir=str(run))
    assert 'NonFiniteLossError' in msg                                  # the log's last line says why it stopped


def test_explicit_data_root_is_used_or_refused(tmp_path):
    _fails('train.ipynb', tmp_path, 'data_root /no/such/dir does not exist', dataset='fashion_mnist', epochs=1,
           data_root='/no/such/dir', out_dir=str(tmp_path / 'run'))
    assert not (tmp_path / 'run').exists()
    root = tmp_path / 'mine'; root.mkdir()
    for files in ([], ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']):
        for f in files: (root / f).write_bytes(b'')
        with pytest.raises(DataNotFoundError) as e: load_dataset('fashion_mnist', data_root=root, download=False)
        assert f'data_root {root}: nothing in a known layout' in str(e.value) and 'local copy' not in str(e.value), str(e.value)


def test_two_runs_into_one_out_dir(tmp_path):
    run = tmp_path / 'both'
    p = subprocess.Popen(CLI + SHAPES + ['--epochs', '3', '--out_dir', str(run)], env=_env(tmp_path),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while not (run / '.lock').exists() or not (run / '.lock').read_text():
        assert p.poll() is None and time.time() - t0 < 120; time.sleep(0.05)
    r = subprocess.run(CLI + SHAPES + ['--epochs', '3', '--out_dir', str(run)], env=_env(tmp_path), capture_output=True, text=True)
    p.wait()
    assert r.returncode != 0 and f'{run} is in use by another process (pid {p.pid}, training simvae on shapes' in r.stderr, r.stderr[-2000:]
    assert p.returncode == 0
    assert [m['epoch'] for m in read_metrics(run / 'metrics.jsonl')] == [1, 2, 3]


def test_restart_before_first_checkpoint_does_not_duplicate_the_log(tmp_path):
    run = tmp_path / 'late'
    args = CLI + SHAPES + ['--epochs', '3', '--checkpoint_every', '2', '--out_dir', str(run)]
    p = subprocess.Popen(args, env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when(p, lambda: (run / 'metrics.jsonl').exists() and _lines(run) == 1)   # in epoch 2: no checkpoint yet
    assert not (run / 'checkpoint.pt').exists()
    (run / '.checkpoint.pt.999999.tmp').write_bytes(b'\0' * 1000)                # as if killed during the first write
    subprocess.run(args, env=_env(tmp_path), check=True, capture_output=True)
    assert [m['epoch'] for m in read_metrics(run / 'metrics.jsonl')] == [1, 2, 3]
    assert not list(run.glob('.*.tmp'))


def test_unknown_parameters_are_refused(tmp_path):
    _fails('train.ipynb', tmp_path, "train.ipynb has no field 'epoch' (did you mean 'epochs'?)", epoch=1, out_dir=str(tmp_path / 'a'))
    _fails('train.ipynb', tmp_path, "'likelihood_var' (a hyper-parameter of the method: -y 'hparams: {likelihood_var: VALUE}')",
           **TINY, likelihood_var=0.02, out_dir=str(tmp_path / 'a'))
    assert not (tmp_path / 'a').exists()
    _fails('evaluate.ipynb', tmp_path, "evaluate.ipynb has no field 'gmm_init' (did you mean 'gmm_inits'?)", gmm_init=200)
    _fails('figures.ipynb', tmp_path, "figures.ipynb has no field 'root' (did you mean 'roots'?)", root='runs/cpu')


def test_deleted_metrics_is_restored_and_the_sweep_trusts_the_checkpoint(tmp_path):
    os.environ['SIMVAE_CACHE'] = str(tmp_path / 'cache')
    spec = RunSpec('main/shapes/vae/seed0', dict(TINY, method='vae', n_views=1, epochs=2), QUICK_EVAL, 'main', 'tiny')
    assert sweep([spec], tmp_path / 'sweep') == {spec.name: 'done'}
    run = tmp_path / 'sweep' / spec.name
    lines = (run / 'metrics.jsonl').read_text()
    (run / 'metrics.jsonl').unlink()
    assert run_state(spec, tmp_path / 'sweep') == 'done'
    _nb('train.ipynb', tmp_path, **spec.train, out_dir=str(run))                  # finished: restores the log, trains nothing
    assert (run / 'metrics.jsonl').read_text() == lines


def test_sweep_refuses_bad_arguments_before_any_work(tmp_path):
    for args, msg in ((['--only', 'nothing/*'], "--only 'nothing/*' matches none of the 4 runs"),
                      (['--executor', 'foo'], "executor must be 'local' or 'submitit', got 'foo'"),
                      (['--workers', '0'], 'workers must be an integer >= 1, got 0'),
                      (['--executor', 'submitit', '--slurm', '{bad'], "slurm must be a dict or its JSON text"),
                      (['--settings', '{"simvae": "batch64"}'], "--settings is for --profile cpu_long, not 'tiny'")):
        r = subprocess.run([str(BIN / 'simvae_sweep'), '--profile', 'tiny', '--root', str(tmp_path / 'root'), *args],
                           env=_env(tmp_path), capture_output=True, text=True)
        assert r.returncode != 0 and f'simvae_sweep: error: {msg}' in r.stderr, (args, r.stderr[-2000:])
        assert not (tmp_path / 'root').exists()


def test_list_and_dict_parameters_as_json_text(tmp_path):
    _fails('figures.ipynb', tmp_path, f"roots not found: ['{tmp_path / 'nope'}']", roots=json.dumps([str(tmp_path / 'nope')]))
    run = tmp_path / 'hp'
    _nb('train.ipynb', tmp_path, **TINY, hparams='{"prior_var": 0.1}', augment='{"crop_scale": [0.5, 1.0]}', out_dir=str(run))
    cfg = json.loads((run / 'config.json').read_text())
    assert cfg['hparams']['prior_var'] == 0.1 and cfg['augment']['crop_scale'] == [0.5, 1.0]
    _fails('train.ipynb', tmp_path, "hparams must be a dict or its JSON text, got the text '{prior_var: 0.1}', which is not JSON",
           **TINY, hparams='{prior_var: 0.1}', out_dir=str(tmp_path / 'b'))


def test_every_attempt_is_logged_and_orphan_tmp_files_are_removed(tmp_path):
    run = tmp_path / 'twice'
    _nb('train.ipynb', tmp_path, **TINY, out_dir=str(run))
    (run / '.checkpoint.pt.4242.tmp').write_bytes(b'\0' * 1000)
    _nb('train.ipynb', tmp_path, **{**TINY, 'epochs': 2}, out_dir=str(run))
    log = (run / 'train.log').read_text()
    assert 'starting, 1 epochs' in log and 'resuming at epoch 1 of 2' in log and log.count('finished') == 2, log
    assert not list(run.glob('.*.tmp'))


def test_device_not_on_this_machine(tmp_path):
    msg = "device 'cuda:99' was asked for"
    _fails('train.ipynb', tmp_path, msg, **TINY, device='cuda:99', out_dir=str(tmp_path / 'a'))
    run = tmp_path / 'r'; train(TrainConfig(**TINY, out_dir=str(run), progress=False))
    _fails('evaluate.ipynb', tmp_path, msg, run_dir=str(run), device='cuda:99')


def test_wrong_types_name_the_field(tmp_path):
    for kw, msg in ((dict(hparams={'likelihood_var': '0.02'}), "SimVAEConfig.likelihood_var must be a number, got '0.02' (a quoted number is text"),
                    (dict(augment={'crop_scale': 0.5}), 'Recipe.crop_scale must be a pair or list [a, b], got 0.5 (a single number')):
        _fails('train.ipynb', tmp_path, msg, **{**TINY, **kw}, out_dir=str(tmp_path / 'a'))


def test_damaged_run_files_are_named(tmp_path):
    run = tmp_path / 'r'; train(TrainConfig(**TINY, out_dir=str(run), progress=False))
    good = (run / 'checkpoint.pt').read_bytes()
    for data, msg in ((good[:len(good) // 2], 'cannot be read'), (b'', 'is empty (0 bytes)')):
        (run / 'checkpoint.pt').write_bytes(data)
        _fails('evaluate.ipynb', tmp_path, f'{run / "checkpoint.pt"} {msg}', run_dir=str(run))
        r = subprocess.run(CLI + ['--dataset', 'shapes', '--method', 'simvae', '--epochs', '1', '--n_views', '2', '--batch_size', '64',
                                  '--train_size', '256', '--lr', '1e-3', '--out_dir', str(run)], env=_env(tmp_path), capture_output=True, text=True)
        assert r.returncode != 0 and f'{run / "checkpoint.pt"} {msg}' in r.stderr, r.stderr[-2000:]
    (run / 'checkpoint.pt').write_bytes(good)
    (run / 'config.json').write_text('{"dataset": "sha')
    _fails('evaluate.ipynb', tmp_path, f'{run / "config.json"} is not valid JSON', run_dir=str(run), **QUICK_EVAL)


def test_cli_names_the_bad_flag(tmp_path):
    r = subprocess.run([str(BIN / 'simvae_train'), '--hparams', '{bad', '--out_dir', str(tmp_path / 'x')], env=_env(tmp_path),
                       capture_output=True, text=True)
    assert r.returncode == 2 and "simvae_train: error: hparams must be a dict or its JSON text, got the text '{bad'" in r.stderr, r.stderr
    assert not (tmp_path / 'x').exists()


def test_unwritable_out_dir_fails_before_the_data_loads(tmp_path):
    t0 = time.time()
    r = subprocess.run(CLI + ['--dataset', 'fashion_mnist', '--epochs', '1', '--out_dir', '/proc/simvae_nb_test/run'],
                       env=_env(tmp_path), capture_output=True, text=True)
    assert r.returncode != 0 and 'cannot create the run directory /proc/simvae_nb_test/run' in r.stderr, r.stderr[-2000:]
    assert 'Traceback' in r.stderr and 'load_dataset' not in r.stderr                     # stopped before any data was read


def _evaluate(run):                                   # in this process: these tests are about the readers, not papermill
    from simvae_nb.evaluate import EvalConfig, evaluate_run
    evaluate_run(run, EvalConfig(**QUICK_EVAL), log=lambda s: None)


def _tiny_run(tmp, name='run', evaluate=True, **kw):
    run = tmp / name
    train(TrainConfig(**{**TINY, **kw}, out_dir=str(run), progress=False))
    if evaluate: _evaluate(run)
    return run


def test_a_stale_evaluation_is_never_reported(tmp_path):
    from simvae_nb.sweep import sweep_table
    from simvae_nb.records import record_run, RecordError
    run = _tiny_run(tmp_path, epochs=2)
    assert len(sweep_table(tmp_path)) > 0
    train(TrainConfig(**{**TINY, 'epochs': 4}, out_dir=str(run), progress=False))         # trained on: eval.json scores epoch 2
    said = []
    assert sweep_table(tmp_path, log=said.append).empty                                     # left out, and said so with its fix
    assert len(said) == 1 and f'{run}/eval.json is stale: it scores another model than checkpoint.pt (epoch 2; the checkpoint is now at epoch 4)' in said[0] \
        and 'papermill nbs/evaluate.ipynb' in said[0], said
    with pytest.raises(RecordError, match='is stale'): record_run(run, tmp_path / 'results', name='x/seed0')
    _evaluate(run)                                                                           # evaluated again: current
    assert set(sweep_table(tmp_path).run) == {str(run)}


def test_a_sweep_never_takes_another_run_for_its_own(tmp_path):
    root = tmp_path / 'root'
    spec = RunSpec('main/shapes/simvae/seed0', dict(TINY, n_views=4, train_size=512), TINY_EVAL)
    _tiny_run(root, spec.name)                                                               # J = 2 on 256 images, evaluated
    assert run_state(spec, root) == 'mismatch'
    r = subprocess.run([str(BIN / 'simvae_sweep'), '--profile', 'tiny', '--root', str(root), '--only', 'main/shapes/simvae/*', '--dry_run'],
                       env=_env(tmp_path), capture_output=True, text=True)
    assert r.returncode == 0 and 'mismatch main/shapes/simvae/seed0: the folder holds another run than this profile asks for' in r.stdout \
        and "'n_views': (2, 4)" in r.stdout and "'train_size': (256, 1024)" in r.stdout, r.stdout
    before = sorted(p.name for p in (root / spec.name).iterdir())
    assert sweep([spec], root) == {spec.name: 'mismatch'}                                    # left alone
    assert sorted(p.name for p in (root / spec.name).iterdir()) == before


def test_fewer_epochs_than_the_folder_holds_are_refused(tmp_path):
    run = _tiny_run(tmp_path, evaluate=False, epochs=2)
    cfg_before = (run / 'config.json').read_text()
    with pytest.raises(ValueError, match=r'already holds 2 epochs, more than the 1 asked for; ask for epochs >= 2'):
        train(TrainConfig(**{**TINY, 'epochs': 1}, out_dir=str(run), progress=False))
    assert (run / 'config.json').read_text() == cfg_before and load_checkpoint(run / 'checkpoint.pt')['epoch'] == 2


def test_damaged_eval_json_is_named_with_its_fix(tmp_path):
    root = tmp_path / 'root'
    run = _tiny_run(root, 'mine')
    good = (run / 'eval.json').read_text()
    for text, msg in ((good[:500], 'is not valid JSON'), ('[]', 'holds a JSON list, not an object'), ('{}', 'has no run section')):
        (run / 'eval.json').write_text(text)
        said = []
        try: from simvae_nb.sweep import sweep_table; sweep_table(root, log=said.append); err = ' '.join(said)
        except ValueError as e: err = str(e)
        assert f'{run}/eval.json' in err and msg in err and 'evaluate' in err, err
        spec = RunSpec('mine', dict(TINY), QUICK_EVAL)                                      # the sweep: re-evaluate, not a crash
        assert run_state(spec, root) == 'partial'
    (run / 'eval.json').write_text(good)
    assert run_state(RunSpec('mine', dict(TINY), QUICK_EVAL), root) == 'done'
    from simvae_nb.run import iter_runs
    assert iter_runs(root)[0].budget == 'not from a sweep: 1 epochs x 256 images x J=2, lr 0.001'
    _fails('figures.ipynb', tmp_path, 'cannot write the figures to /proc/simvae_nb_test (', roots=json.dumps([str(root)]), out_dir='/proc/simvae_nb_test')


def test_a_busy_run_is_left_alone_by_a_second_sweep(tmp_path):
    from simvae_nb.run import run_lock
    from simvae_nb.sweep import execute_run
    root = tmp_path / 'root'
    spec = RunSpec('main/shapes/vae/seed0', dict(TINY, method='vae', n_views=1), TINY_EVAL)
    rd = root / spec.name; rd.mkdir(parents=True); (rd / 'train.ipynb').write_text('{}')   # another sweep's notebook, being run
    with run_lock(rd, 'training vae on shapes'):
        state = execute_run(spec, root)
    assert state.startswith('running elsewhere (pid') and 'training vae on shapes' in state, state
    assert (rd / 'train.ipynb').read_text() == '{}' and not (rd / 'train.1.ipynb').exists()


def test_non_finite_before_any_checkpoint_says_nothing_is_kept(tmp_path):
    with pytest.raises(NonFiniteLossError) as e:
        train(TrainConfig(**{**TINY, 'lr': 1e9, 'epochs': 2}, out_dir=str(tmp_path / 'r'), progress=False))
    assert 'no checkpoint was written before it' in str(e.value) and 'is kept in' not in str(e.value), str(e.value)


if __name__ == '__main__':
    print('| case | what a user sees now | test |\n|---|---|---|')
    for c, seen, t in CASES: print(f'| {c} | {seen} | `{t}` |')
    print(f'\n{len(CASES)} hostile inputs listed')
