#!/usr/bin/env python
"""Benchmark: evaluate one FashionMNIST model with the default protocol (EvalConfig()) and print the time of each
stage — feature extraction (60,000 + 10,000 images, plus the style views), linear + MLP probes (Adam 3e-4,
200 epochs, batch 128), kNN k = 1..15, the GMM with the default 200 initialisations (batched), the post-head
kNN and probes (methods with a projection head), style regression.
Target: <= 45 s on a 2-core CPU (issue 26). Features are recomputed (force=True) so that extraction is timed.

Usage: python tools/bench_evaluate.py [RUN_DIR] [--threads N] [--probe_worker auto|yes|no] [--cached]
  --threads N       the evaluation's threads (default: EvalConfig's)
  --probe_worker    where the probes train: a worker process beside kNN and the GMM ('yes'), here before them ('no'),
                    or evaluate_run's rule ('auto', the default); run it once each way to compare
  --cached          reuse the run's cached features (to time the scoring alone; default: recompute them)
RUN_DIR's eval.json is rewritten: point it at a copy of a recorded run.
Without RUN_DIR, a SimVAE is first trained briefly on real FashionMNIST (1 epoch on 5,000 images, J = 4;
not timed) into a temporary folder.
"""
import os, sys, tempfile, time
from pathlib import Path

import torch

from simvae_nb.evaluate import EvalConfig, evaluate_run, limit_threads
from simvae_nb.learner import TrainConfig, train


def main(run_dir=None, threads=None, probe_worker='auto', cached=False):
    if run_dir is None:
        run_dir = Path(tempfile.mkdtemp()) / 'fm-simvae'
        t = time.perf_counter()
        with limit_threads(1):
            train(TrainConfig('fashion_mnist', 'simvae', epochs=1, train_size=5000, n_views=4, out_dir=str(run_dir), progress=False))
        print(f'(trained {run_dir} in {time.perf_counter() - t:.0f} s, not part of the benchmark)')
    cfg = EvalConfig() if threads is None else EvalConfig(threads=threads)
    print(f'protocol: probes {cfg.probe_epochs} epochs, batch {cfg.probe_batch}, lr {cfg.probe_lr}; kNN k=1..{cfg.knn_max_k}; '
          f'GMM {cfg.gmm_inits} inits; style views {cfg.style_train}/{cfg.style_test}; threads {cfg.threads}; '
          f'torch {torch.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}')
    t = time.perf_counter()
    ev = evaluate_run(run_dir, cfg, device='cpu', force=not cached, probe_worker={'auto': None, 'yes': True, 'no': False}[probe_worker])
    wall = time.perf_counter() - t
    s = ev['seconds']
    print('\nstage' + ' ' * 44 + 'seconds')
    for k, label in [('features', 'feature extraction (70k images + 15k views)'), ('probes', 'linear + MLP probes (fused)'),
                     ('knn', 'kNN, k = 1..15 (one search)'), ('gmm', f'GMM, {cfg.gmm_inits} initialisations'),
                     ('post_head', 'post-head kNN + probes (if a head)'), ('style', 'style probes (augmentation parameters)')]:
        print(f'{label:<46}{s.get(k, 0):8.1f}')
    where = 'in a worker process beside kNN and the GMM (the stages overlap)' if ev['details']['probes_in_worker'] else 'here, one stage after the other'
    print(f'{"total (evaluate_run)":<46}{wall:8.1f}   target <= 45 s: {"met" if wall <= 45 else "NOT met"}; probes {where}')
    print(f'\nresults: kNN {ev["knn_acc"]:.1f} (k={ev["knn_k"]}), linear {ev["linear_acc"]:.1f}, MLP {ev["mlp_acc"]:.1f}, '
          f'GMM {ev["gmm_acc"]:.1f}, NMI {ev["nmi"]:.1f}, ARI {ev["ari"]:.1f}, augmentation R² {ev["style"]["augmentation_r2"]:.1f}')


if __name__ == '__main__':
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('run_dir', nargs='?'); ap.add_argument('--threads', type=int)
    ap.add_argument('--probe_worker', choices=['auto', 'yes', 'no'], default='auto'); ap.add_argument('--cached', action='store_true')
    a = ap.parse_args()
    if a.threads is not None and a.threads < 1: ap.error(f'--threads must be >= 1, got {a.threads}')
    if a.cached and a.run_dir is None: ap.error('--cached needs a RUN_DIR whose features are cached')
    main(a.run_dir, a.threads, a.probe_worker, a.cached)
