#!/usr/bin/env python
"""Benchmark: the GMM of A.7.5 on one FashionMNIST model's 60,000 training features — scikit-learn's
GaussianMixture with 10 initialisations against the batched GMM (simvae_nb.gmm) with 10 and with 200, all in
float64 on the CPU with the evaluation's thread count. Prints each one's seconds and best lower bound (mean
log-likelihood per sample) and the speed-up per initialisation. Target: 200 batched initialisations in less time
than scikit-learn's 10.

Usage: python tools/bench_gmm.py [RUN_DIR | --features FILE] [--threads N] [--inits 10,200] [--sklearn-inits 10]
  RUN_DIR          a trained run: its cached features (RUN_DIR/features/train.pt) or, if absent, its encoder's
  --features FILE  a (N,d) array: .npy, .npz (key 'x' or 'x_train') or .pt (a tensor, or a dict with 'x')
  neither          a SimVAE is first trained briefly on real FashionMNIST (1 epoch on 5,000 images, J = 4; not timed)
"""
import argparse, os, sys, tempfile, time
from pathlib import Path

import numpy as np
import torch
from sklearn.mixture import GaussianMixture

from simvae_nb.content import limit_threads
from simvae_nb.gmm import fit_gmm


def features_of_run(run_dir) -> np.ndarray:
    from simvae_nb.learner import load_checkpoint, load_run
    cache = Path(run_dir) / 'features' / 'train.pt'
    if cache.exists(): return np.asarray(load_checkpoint(cache)['value']['x'])
    from simvae_nb.data import load_dataset
    from simvae_nb.objectives import encode_images
    cfg, method = load_run(run_dir)
    return encode_images(method.encode, load_dataset(cfg.dataset, 'train', data_root=cfg.data_root).images, 1024, torch.device('cpu')).numpy()


def features_of_file(path) -> np.ndarray:
    p = Path(path)
    if not p.is_file(): sys.exit(f'--features {p}: no such file')
    if p.suffix == '.npy': return np.load(p)
    if p.suffix == '.npz':
        f = np.load(p)
        for k in ('x', 'x_train'):
            if k in f: return f[k]
        sys.exit(f"--features {p}: an .npz needs an array 'x' or 'x_train', it has {list(f)}")
    if p.suffix == '.pt':
        v = torch.load(p, map_location='cpu', weights_only=False)
        if isinstance(v, dict): v = v.get('x', v.get('value', {}).get('x') if isinstance(v.get('value'), dict) else None)
        if v is None: sys.exit(f"--features {p}: a .pt needs a tensor or a dict with 'x'")
        return np.asarray(v)
    sys.exit(f'--features {p}: use .npy, .npz or .pt')


def quick_run() -> Path:
    from simvae_nb.learner import TrainConfig, train
    run_dir = Path(tempfile.mkdtemp()) / 'fm-simvae'
    t = time.perf_counter()
    with limit_threads(1):
        train(TrainConfig('fashion_mnist', 'simvae', epochs=1, train_size=5000, n_views=4, lr=1e-3, out_dir=str(run_dir), progress=False))
    print(f'(trained {run_dir} in {time.perf_counter() - t:.0f} s, not part of the benchmark)')
    return run_dir


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('run_dir', nargs='?', help='a trained run directory')
    ap.add_argument('--features', help='a features file instead of a run')
    ap.add_argument('--threads', type=int, default=1, help='CPU threads (the evaluation uses 1)')
    ap.add_argument('--inits', default='10,200', help='batched initialisation counts, comma-separated')
    ap.add_argument('--sklearn-inits', type=int, default=10, help="scikit-learn's initialisations (0: skip)")
    ap.add_argument('--components', type=int, default=10, help='mixture components (FashionMNIST: 10 classes)')
    a = ap.parse_args(argv)
    if a.run_dir and a.features: ap.error('give a RUN_DIR or --features, not both')
    try: inits = [int(s) for s in a.inits.split(',')]
    except ValueError: ap.error(f'--inits must be comma-separated integers, got {a.inits!r}')
    if a.threads < 1 or a.sklearn_inits < 0 or min(inits) < 1: ap.error('--threads and --inits must be >= 1, --sklearn-inits >= 0')
    if a.run_dir and not (Path(a.run_dir) / 'checkpoint.pt').is_file(): ap.error(f'{a.run_dir} is not a run directory (no checkpoint.pt)')
    x = features_of_file(a.features) if a.features else features_of_run(a.run_dir or quick_run())
    x = np.ascontiguousarray(x, dtype=np.float64)
    K = a.components
    print(f'features {x.shape[0]} x {x.shape[1]} (float64), K = {K}; {a.threads} thread(s), torch {torch.__version__}, '
          f'{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}')
    rows = []
    with limit_threads(a.threads):
        if a.sklearn_inits:
            t = time.perf_counter()
            gm = GaussianMixture(K, covariance_type='full', n_init=a.sklearn_inits, random_state=0).fit(x)
            rows.append(('scikit-learn GaussianMixture', a.sklearn_inits, time.perf_counter() - t, gm.lower_bound_, ''))
        for n in inits:
            t = time.perf_counter()
            g = fit_gmm(x, K, n_init=n, seed=0)
            s = g.seconds
            rows.append(('batched (simvae_nb.gmm)', n, time.perf_counter() - t, g.lower_bound,
                         f"k-means {s['kmeans']:.1f} s + EM {s['em']:.1f} s; EM iterations mean {g.n_iter_all.float().mean():.0f}, "
                         f"max {int(g.n_iter_all.max())}; converged {int(g.converged_all.sum())}/{n}"))
    print(f'\n{"":30s}{"inits":>6s}{"seconds":>10s}{"s/init":>9s}{"best lower bound":>18s}')
    for name, n, sec, lb, note in rows:
        print(f'{name:30s}{n:6d}{sec:10.1f}{sec / n:9.2f}{lb:18.4f}   {note}')
    if a.sklearn_inits:
        sk = rows[0][2] / rows[0][1]
        print('\nspeed-up per initialisation over scikit-learn: ' + ', '.join(f'{sk / (sec / n):.1f}x with {n} batched' for _, n, sec, _, _ in rows[1:]))
        big = [r for r in rows[1:] if r[1] == 200]
        if big: print(f'200 batched initialisations ({big[0][2]:.1f} s) vs scikit-learn\'s {a.sklearn_inits} ({rows[0][2]:.1f} s): '
                      f'target {"met" if big[0][2] < rows[0][2] else "NOT met"}')
    print(f'load average at the end {os.getloadavg()[0]:.1f}')


if __name__ == '__main__':
    main()
