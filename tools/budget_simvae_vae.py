#!/usr/bin/env python
"""SimVAE vs VAE on real FashionMNIST at a CPU budget and equal compute (the same number of views through the
same MLP), each run evaluated with the paper's protocol (kNN k=1..15 best k, linear probe Adam 3e-4 x 200 epochs).

Each setting trains for the epochs that process `--views` views of the 60,000 training images, then
`evaluate_run` writes its eval.json; the table at the end gives kNN and linear-probe accuracy per setting.
Runs are ordinary run directories: re-running skips what is finished.

Usage: python tools/budget_simvae_vae.py [--root runs/budget] [--views 3000000] [--only NAME ...]
"""
import argparse, json, time
from pathlib import Path

from simvae_nb.learner import TrainConfig, train, load_checkpoint
from simvae_nb.evaluate import EvalConfig, evaluate_run

N_TRAIN = 60000
# name: (method, TrainConfig overrides) -- the paper's J=10, prior_var 0.15, likelihood_var 0.02 throughout
SETTINGS = {
    'vae lr1e-3':                ('vae', dict(lr=1e-3)),
    'simvae lr1e-3':             ('simvae', dict(lr=1e-3)),
    'simvae views-batch lr1e-3': ('simvae', dict(lr=1e-3, batch_unit='views')),
    'simvae views-batch lr3e-4': ('simvae', dict(lr=3e-4, batch_unit='views')),
    'vae lr3e-4':                ('vae', dict(lr=3e-4)),
    'simvae psi1 lr1e-3':        ('simvae', dict(lr=1e-3, hparams=dict(psi_var=1.0))),
    'simvae batch32 lr1e-3':     ('simvae', dict(lr=1e-3, batch_size=32)),     # 32 images x 10 views: 4x the steps
}


def config(name, root, views):
    method, kw = SETTINGS[name]
    J = 10 if method == 'simvae' else 1
    epochs = max(1, round(views / (N_TRAIN * J)))
    return TrainConfig('fashion_mnist', method, n_views=J, epochs=epochs, out_dir=str(Path(root) / name.replace(' ', '_')),
                       progress=False, checkpoint_every=max(1, epochs // 5), **kw)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', default='runs/budget')
    ap.add_argument('--views', type=int, default=1_800_000, help='views processed per run (equal compute)')
    ap.add_argument('--only', nargs='*', default=None, help='settings to run (default: all)')
    a = ap.parse_args()
    rows = []
    for name in (a.only or SETTINGS):
        cfg = config(name, a.root, a.views)
        run = Path(cfg.out_dir)
        t = time.time()
        train(cfg)
        if not (run / 'eval.json').exists() or (run / 'eval.json').stat().st_mtime < (run / 'checkpoint.pt').stat().st_mtime:
            evaluate_run(run, EvalConfig(), log=lambda s: None)
        m = [json.loads(l) for l in (run / 'metrics.jsonl').read_text().splitlines()]
        ev = json.loads((run / 'eval.json').read_text())
        views = sum(round(x['views_per_s'] * x['seconds']) for x in m)
        rows.append((name, cfg.epochs, views, sum(x['seconds'] for x in m), ev['knn_acc'], ev['knn_k'], ev['linear_acc']))
        print(f'{name}: done in {time.time() - t:.0f} s', flush=True)
    print(f"\n{'setting':28s} {'epochs':>6s} {'views':>10s} {'train min':>9s} {'views/s':>8s} {'kNN':>6s} {'k':>3s} {'linear':>7s}")
    for name, ep, v, s, knn, k, lin in rows:
        print(f'{name:28s} {ep:6d} {v:10,d} {s / 60:9.1f} {v / s:8,.0f} {knn:6.1f} {k:3d} {lin:7.1f}')
