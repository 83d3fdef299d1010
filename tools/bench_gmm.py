#!/usr/bin/env python
"""Benchmark: the GMM of A.7.5 on one FashionMNIST model's 60,000 training features — scikit-learn's
GaussianMixture with 10 initialisations against the batched GMM (simvae_nb.gmm) with 10 and with 200, in float32 (the
protocol: the features are float32, and scikit-learn keeps them so) and in float64, on the CPU with the evaluation's
thread count. Prints each fit's seconds, best lower bound (mean log-likelihood per sample) and the share of samples it
labels as scikit-learn's first fit does, the speed-up per initialisation, and float32 against float64. Target: 200
batched initialisations in less time than scikit-learn's 10.

Usage: python tools/bench_gmm.py [RUN_DIR | --features FILE | --pca N] [--threads N] [--inits 10,200] [--dtypes 32,64]
                                 [--sklearn-inits 10] [--sklearn-dtypes 32]
  RUN_DIR          a trained run: its cached features (RUN_DIR/features/train.pt) or, if absent, its encoder's
  --features FILE  a (N,d) array: .npy, .npz (key 'x' or 'x_train') or .pt (a tensor, or a dict with 'x')
  --pca N          the first N FashionMNIST training images projected on 10 principal components (float32; quick)
  none of these    a SimVAE is first trained briefly on real FashionMNIST (1 epoch on 5,000 images, J = 4; not timed)
Features are used as float32 (a run's are); the float64 fits get them upcast.
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
    cfg, method, _ = load_run(run_dir)
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


def pca_features(n:int, components:int=10) -> np.ndarray:
    "The first n FashionMNIST training images projected on their first principal components, as float32: real-looking features, quickly."
    from sklearn.decomposition import PCA
    from simvae_nb.data import load_dataset
    imgs = load_dataset('fashion_mnist', 'train').images[:n]
    return PCA(components, random_state=0).fit_transform(imgs.reshape(len(imgs), -1).double().numpy() / 255).astype(np.float32)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('run_dir', nargs='?', help='a trained run directory')
    ap.add_argument('--features', help='a features file instead of a run')
    ap.add_argument('--pca', type=int, metavar='N', help='FashionMNIST pixel-PCA features of the first N training images instead of a run')
    ap.add_argument('--threads', type=int, default=1, help='CPU threads (the evaluation uses 1)')
    ap.add_argument('--inits', default='10,200', help='batched initialisation counts, comma-separated')
    ap.add_argument('--dtypes', default='32,64', help='precisions of the batched fits, comma-separated: 32 (the protocol for float32 features), 64')
    ap.add_argument('--sklearn-inits', type=int, default=10, help="scikit-learn's initialisations (0: skip)")
    ap.add_argument('--sklearn-dtypes', default='32', help="precisions of scikit-learn's fits, comma-separated: 32, 64")
    ap.add_argument('--components', type=int, default=10, help='mixture components (FashionMNIST: 10 classes)')
    a = ap.parse_args(argv)
    if sum(v is not None for v in (a.run_dir, a.features, a.pca)) > 1: ap.error('give one of RUN_DIR, --features and --pca')
    try: inits = [int(s) for s in a.inits.split(',')]
    except ValueError: ap.error(f'--inits must be comma-separated integers, got {a.inits!r}')
    dts = {}
    for opt in ('dtypes', 'sklearn_dtypes'):
        v = [s.strip() for s in getattr(a, opt).split(',') if s.strip()]
        if not set(v) <= {'32', '64'}: ap.error(f"--{opt.replace('_', '-')} must be 32, 64 or both, got {getattr(a, opt)!r}")
        dts[opt] = v
    if a.threads < 1 or a.sklearn_inits < 0 or min(inits) < 1 or (a.pca is not None and a.pca < a.components):
        ap.error('--threads and --inits must be >= 1, --sklearn-inits >= 0, --pca at least --components')
    if a.run_dir and not (Path(a.run_dir) / 'checkpoint.pt').is_file(): ap.error(f'{a.run_dir} is not a run directory (no checkpoint.pt)')
    x = (features_of_file(a.features) if a.features else pca_features(a.pca) if a.pca else features_of_run(a.run_dir or quick_run()))
    x = {'32': np.ascontiguousarray(x, dtype=np.float32), '64': np.ascontiguousarray(x, dtype=np.float64)}   # features are float32: 64 is their upcast
    K = a.components
    print(f'features {x["32"].shape[0]} x {x["32"].shape[1]}, K = {K}; {a.threads} thread(s), torch {torch.__version__}, '
          f'{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}')
    rows, ref = [], None
    with limit_threads(a.threads):
        if a.sklearn_inits:
            for p in dts['sklearn_dtypes']:
                t = time.perf_counter()
                gm = GaussianMixture(K, covariance_type='full', n_init=a.sklearn_inits, random_state=0).fit(x[p])
                sec = time.perf_counter() - t; lab = gm.predict(x[p])
                if ref is None: ref = (f'scikit-learn float{p}', lab)
                rows.append((f'scikit-learn float{p}', a.sklearn_inits, sec, gm.lower_bound_, (lab == ref[1]).mean(), ''))
        for n in inits:
            for p in dts['dtypes']:
                t = time.perf_counter()
                g = fit_gmm(x[p], K, n_init=n, seed=0)
                sec = time.perf_counter() - t; s = g.seconds
                same = (g.predict(x[p]) == ref[1]).mean() if ref is not None and n == a.sklearn_inits else None
                rows.append((f'batched float{p}', n, sec, g.lower_bound, same,
                             f"k-means {s['kmeans']:.1f} s + EM {s['em']:.1f} s; EM iterations mean {g.n_iter_all.float().mean():.0f}, "
                             f"max {int(g.n_iter_all.max())}; converged {int(g.converged_all.sum())}/{n}; reg_covar raised {g.reg_raised}"))
    print(f'\n{"":22s}{"inits":>6s}{"seconds":>10s}{"s/init":>9s}{"best lower bound":>18s}{"same labels":>13s}')
    for name, n, sec, lb, same, note in rows:
        print(f'{name:22s}{n:6d}{sec:10.1f}{sec / n:9.2f}{lb:18.5f}{"" if same is None else f"{100 * same:12.2f}%"}   {note}')
    if ref is not None: print(f'(same labels: the share of the training samples labelled as by {ref[0]} with {a.sklearn_inits} initialisations)')
    if a.sklearn_inits:
        sk = rows[0][2] / rows[0][1]
        print(f'\nspeed-up per initialisation over {rows[0][0]}: ' + ', '.join(f'{sk / (sec / n):.1f}x ({name}, {n})' for name, n, sec, *_ in rows[1:]))
    for n in inits:
        f = {name: sec for name, m, sec, *_ in rows if m == n and name.startswith('batched')}
        if len(f) == 2: print(f'{n} batched initialisations: float32 {f["batched float32"]:.1f} s, float64 {f["batched float64"]:.1f} s '
                              f'({f["batched float64"] / f["batched float32"]:.2f}x)')
    big = [r for r in rows if r[0] == 'batched float32' and r[1] == 200]
    if big and a.sklearn_inits: print(f"200 batched float32 initialisations ({big[0][2]:.1f} s) vs {rows[0][0]}'s {a.sklearn_inits} ({rows[0][2]:.1f} s): "
                                      f'target {"met" if big[0][2] < rows[0][2] else "NOT met"}')
    print(f'load average at the end {os.getloadavg()[0]:.1f}')


if __name__ == '__main__':
    main()
