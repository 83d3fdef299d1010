#!/usr/bin/env python
"""The walks `train:cfg` and `evaluate_run:run_dir`: every distinct call from a function of one simvae_nb module to a
function of another while a tiny FashionMNIST SimVAE trains (1 epoch on 1,200 images, online kNN on) and is evaluated
(2 GMM initialisations, 2 probe epochs). Prints, per walk, the number of distinct cross-module calls (caller function
-> callee function), their count per pair of modules, and the calls that go from a lower floor of the library up to a
higher one (a floor below calling back into the learner, the evaluation or the content measures: callbacks, closures
and `Config.validate` dispatch are the expected ones). A reviewer's measure of how often one job moves between files.

Usage: python tools/walk_calls.py        (about 30 s on 2 cores; needs real FashionMNIST: bash tools/setup.sh)
"""
import collections, contextlib, io, os, sys, tempfile

import torch

import simvae_nb
from simvae_nb.evaluate import EvalConfig, evaluate_run
from simvae_nb.learner import TrainConfig, train

PKG = os.path.dirname(simvae_nb.__file__)
LOWER = {'config', 'data', 'augment', 'models', 'objectives', 'prior', 'vaes', 'contrastive', 'vicreg', 'methods', 'run', 'gmm'}
UPPER = {'learner', 'content', 'style', 'evaluate'}


def _module(frame):
    f = frame.f_code.co_filename
    return os.path.basename(f)[:-3] if f.startswith(PKG) else None


def walk(fn) -> set:
    "The distinct (caller module.function, callee module.function) pairs across simvae_nb modules while fn() runs."
    seen = set()
    def prof(frame, event, arg):
        if event != 'call' or (m := _module(frame)) is None: return
        c = frame.f_back
        while c is not None and _module(c) is None: c = c.f_back      # the nearest simvae_nb caller (through torch, tqdm, ...)
        if c is not None and (cm := _module(c)) != m: seen.add((f'{cm}.{c.f_code.co_name}', f'{m}.{frame.f_code.co_name}'))
    sys.setprofile(prof)
    try: fn()
    finally: sys.setprofile(None)
    return seen


def main():
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    d = os.path.join(tempfile.mkdtemp(), 'run')
    cfg = TrainConfig(dataset='fashion_mnist', method='simvae', epochs=1, train_size=1200, val_size=200, eval_every=1, n_views=2,
                      batch_size=100, progress=False, out_dir=d)
    quiet = EvalConfig(gmm_inits=2, probe_epochs=2, style_train=200, style_test=100)
    for name, fn in (('train:cfg', lambda: train(cfg)), ('evaluate_run:run_dir', lambda: evaluate_run(d, quiet, device='cpu', log=lambda *a: None))):
        with contextlib.redirect_stderr(io.StringIO()): seen = walk(fn)
        pairs = collections.Counter((a.split('.')[0], b.split('.')[0]) for a, b in seen)
        print(f'{name}: {len(seen)} distinct cross-module calls over {len(pairs)} pairs of modules')
        for (a, b), n in pairs.most_common(): print(f'  {a:>11s} -> {b:<11s} {n}')
        up = sorted(e for e in seen if e[0].split('.')[0] in LOWER and e[1].split('.')[0] in UPPER)
        print('  from a lower floor up: ' + (', '.join(f'{a} -> {b}' for a, b in up) or 'none'))


if __name__ == '__main__':
    main()
