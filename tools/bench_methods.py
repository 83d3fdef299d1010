#!/usr/bin/env python
"""Training throughput of every method at the `paper_fmnist` profile's settings on real FashionMNIST, and the hours
its budget would take on this machine: views/s of the second of two short epochs (the first warms up), in the
precision `precision='auto'` picks here, with the threads given. Prints one row per method and the machine facts.

The paper's budget (`paper_fmnist`): 400 epochs of the VAE-based methods, 800 of the discriminative ones, on 50,000
training images x J views. Quote the numbers with the machine line; measure on a quiet machine.

Usage: python tools/bench_methods.py [--images 6400] [--threads 2] [--methods vae,simvae,...] [--compile]
"""
import argparse, tempfile, time
import torch

from simvae_nb.learner import TrainConfig, make_learner
from simvae_nb.run import machine_facts
from simvae_nb.sweep import paper_fmnist, PAPER_BUDGET


def views_per_s(train: dict, images: int, compile: bool = False) -> tuple:
    "Views/s of the second of two epochs on the first `images` training images (the first warms up, and compiles), and the precision used."
    with tempfile.TemporaryDirectory() as d:
        p = {k: v for k, v in train.items() if k not in ('epochs', 'eval_every', 'val_size')}
        learn = make_learner(TrainConfig(**p, epochs=2, train_size=images, progress=False, out_dir=d, compile=compile))
        learn.fit()
        return learn.history[-1]['views_per_s'], learn.history[-1]['precision']


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--images', type=int, default=6400)
    ap.add_argument('--threads', type=int, default=torch.get_num_threads())
    ap.add_argument('--methods', default=None, help='comma-separated; default: every trained method of paper_fmnist')
    ap.add_argument('--compile', action='store_true', help='train with compile=True (torch.compile of the step)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = machine_facts()
    print(f"machine: {m['cpu']} ({m['cpu_kind']}; flags {' '.join(m['cpu_flags'])}), {m['cores']} cores, {a.threads} thread(s), "
          f"torch {m['torch']}; compile={a.compile}; load average {open('/proc/loadavg').read().split()[0]}")
    n = 60000 - PAPER_BUDGET['val_size']
    print(f"{'method':9s} {'precision':9s} {'views/s':>9s} {'epochs':>6s} {'views':>7s} {'hours':>6s}")
    for s in paper_fmnist(seeds=(0,)):
        t = s.train
        if not t.get('epochs') or (a.methods and t['method'] not in a.methods.split(',')): continue
        v, prec = views_per_s(t, a.images, a.compile)
        views = t['epochs'] * n * t['n_views']
        print(f"{t['method']:9s} {prec:9s} {v:9,.0f} {t['epochs']:6d} {views / 1e6:6.0f}M {views / v / 3600:6.1f}")
