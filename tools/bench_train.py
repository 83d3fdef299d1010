#!/usr/bin/env python
"""End-to-end training throughput on real FashionMNIST, SimVAE with the Table 3 MLP and J views per image,
measured side by side in one run:

1. the trainer (`simvae_nb.learner`): the whole training set as one uint8 tensor, J views per image made in
   one batched call, one Adam step on the SimVAE loss;
2. a reference pipeline: per-sample torchvision PIL transforms of the same recipe in a DataLoader with 2
   workers, feeding the same model, loss and optimiser;
3. the matrix-multiply roofline: the GEMMs one training step of this MLP needs (forward; backward for the
   weights of every layer and for the inputs of every layer but the first), each timed at its exact shape;
   views/s if a step were only those GEMMs.

Usage: python tools/bench_train.py [--images 6400] [--views 10] [--batch 128] [--workers 2]
"""
import argparse, os, platform, sys, tempfile, time
from pathlib import Path
import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms as T

from simvae_nb.augment import RECIPES
from simvae_nb.data import load_dataset
from simvae_nb.learner import Learner, TrainConfig
from simvae_nb.vaes import SimVAE


class PILViews(Dataset):
    def __init__(self, images, n_views, tf): self.images, self.n_views, self.tf = images, n_views, tf
    def __len__(self): return len(self.images)
    def __getitem__(self, i):
        img = Image.fromarray(self.images[i])
        return torch.stack([self.tf(img) for _ in range(self.n_views)])


def bench_trainer(n_images, n_views, batch, epochs=2):
    "Views/s of the trainer's second epoch (the first warms up)."
    with tempfile.TemporaryDirectory() as d:
        cfg = TrainConfig('fashion_mnist', 'simvae', n_views=n_views, batch_size=batch, train_size=n_images,
                          epochs=epochs, out_dir=d, progress=False, checkpoint_every=epochs)
        learn = Learner(cfg)
        learn.fit()
        return learn.last_metrics['views_per_s'], learn.last_metrics['seconds'], learn.n_batches * batch * n_views


def bench_reference(images, n_views, batch, workers):
    r = RECIPES['fashion_mnist']
    tf = T.Compose([T.RandomResizedCrop(28, scale=r.crop_scale, ratio=r.crop_ratio), T.RandomHorizontalFlip(r.flip_p), T.ToTensor()])
    dl = DataLoader(PILViews(images, n_views, tf), batch_size=batch, shuffle=True, num_workers=workers,
                    drop_last=True, persistent_workers=True)
    torch.manual_seed(0)
    model = SimVAE((1, 28, 28), 10, 'mlp')
    opt = torch.optim.Adam(model.parameters(), lr=8e-5)
    def step(v):
        loss = model(v)['loss']; opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    it = iter(dl)
    step(next(it))                                           # warm-up (workers started)
    t, n = time.perf_counter(), 0
    for v in it: step(v); n += v.shape[0] * v.shape[1]
    return n / (time.perf_counter() - t), n


def _time_mm(m, k, n, reps=20):
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(3): a @ b
    t = time.perf_counter()
    for _ in range(reps): a @ b
    return (time.perf_counter() - t) / reps


def roofline(n_views_step):
    "GEMMs of one SimVAE-MLP step with M = views per step, each timed at its shape."
    enc = [(784, 500), (500, 500), (500, 2000), (2000, 10), (2000, 10)]      # Table 3a (+ the log-variance head)
    dec = [(10, 2000), (2000, 500), (500, 500), (500, 784)]                  # Table 3b
    M, gemms = n_views_step, []
    for i, (a, b) in enumerate(enc + dec):
        gemms.append((M, a, b))                                              # forward  Y = X W^T
        gemms.append((b, M, a))                                              # backward dW = dY^T X
        if i != 0: gemms.append((M, b, a))                                   # backward dX = dY W (not for the input layer)
    secs = sum(_time_mm(*g) for g in gemms)
    flops = sum(2 * m * k * n for m, k, n in gemms)
    return n_views_step / secs, flops / secs / 1e9


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--images', type=int, default=6400, help='training images per epoch')
    ap.add_argument('--views', type=int, default=10)
    ap.add_argument('--batch', type=int, default=128, help='images per step')
    ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args()
    ds = load_dataset('fashion_mnist', 'train')
    print(f'real FashionMNIST ({ds.source}); SimVAE, Table 3 MLP, J={a.views}, {a.batch} images x {a.views} views per step, '
          f'{a.images} images per epoch')
    print(f'machine: {platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, {torch.get_num_threads()} threads')
    vt, secs, n = bench_trainer(a.images, a.views, a.batch)
    vr, nr = bench_reference(ds.images[:a.images, 0].numpy(), a.views, a.batch, a.workers)
    vg, gflops = roofline(a.batch * a.views)
    print(f'trainer    (batched views, data on device)      : {vt:>8,.0f} views/s  ({n:,} views in {secs:.1f} s)')
    print(f'reference  (PIL transforms, DataLoader {a.workers} workers): {vr:>8,.0f} views/s  ({nr:,} views)')
    print(f'roofline   (only the step\'s GEMMs, {gflops:.0f} GFLOP/s)  : {vg:>8,.0f} views/s')
    print(f'trainer / reference = {vt / vr:.2f}x (target >= 2.5x); trainer / roofline = {100 * vt / vg:.0f}% (target >= 80%)')
