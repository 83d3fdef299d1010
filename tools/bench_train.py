#!/usr/bin/env python
"""End-to-end training throughput on real FashionMNIST, SimVAE with the Table 3 MLP and J views per image,
measured side by side in one run:

1. the trainer (`simvae_nb.learner`): the whole training set as one uint8 tensor, J views per image made in
   one batched call, one Adam step on the SimVAE loss; at precision fp32, and at bf16 (autocast on the CPU's
   bf16 matrix units, the losses in fp32), alternating fp32/bf16/fp32/bf16 so both see the same machine state;
2. a reference pipeline: per-sample torchvision PIL transforms of the same recipe in a DataLoader with 2
   workers, feeding the same model, loss and optimiser;
3. the matrix-multiply rooflines, fp32 and bf16: the GEMMs one training step of this MLP needs (forward;
   backward for the weights of every layer and for the inputs of every layer but the first), each timed at its
   exact shape; views/s if a step were only those GEMMs.

With --compile, the bf16 trainer is timed a third time with `compile=True` (torch.compile of the step; the first
epoch compiles).

Usage: python tools/bench_train.py [--images 6400] [--views 10] [--batch 128] [--workers 2] [--compile]
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
from simvae_nb.learner import TrainConfig, make_learner
from simvae_nb.vaes import SimVAE


class PILViews(Dataset):
    def __init__(self, images, n_views, tf): self.images, self.n_views, self.tf = images, n_views, tf
    def __len__(self): return len(self.images)
    def __getitem__(self, i):
        img = Image.fromarray(self.images[i])
        return torch.stack([self.tf(img) for _ in range(self.n_views)])


def bench_trainer(n_images, n_views, batch, precision='fp32', epochs=2, compile=False):
    "Views/s of the trainer's second epoch (the first warms up, and compiles where `compile`)."
    with tempfile.TemporaryDirectory() as d:
        cfg = TrainConfig('fashion_mnist', 'simvae', n_views=n_views, batch_size=batch, train_size=n_images, precision=precision,
                          epochs=epochs, out_dir=d, progress=False, checkpoint_every=epochs, compile=compile)
        learn = make_learner(cfg)
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


def _time_mm(m, k, n, dtype=torch.float32, reps=20):
    a, b = torch.randn(m, k, dtype=dtype), torch.randn(k, n, dtype=dtype)
    for _ in range(3): a @ b
    t = time.perf_counter()
    for _ in range(reps): a @ b
    return (time.perf_counter() - t) / reps


def roofline(n_views_step, dtype=torch.float32):
    "GEMMs of one SimVAE-MLP step with M = views per step, each timed at its shape."
    enc = [(784, 500), (500, 500), (500, 2000), (2000, 10), (2000, 10)]      # Table 3a (+ the log-variance head)
    dec = [(10, 2000), (2000, 500), (500, 500), (500, 784)]                  # Table 3b
    M, gemms = n_views_step, []
    for i, (a, b) in enumerate(enc + dec):
        gemms.append((M, a, b))                                              # forward  Y = X W^T
        gemms.append((b, M, a))                                              # backward dW = dY^T X
        if i != 0: gemms.append((M, b, a))                                   # backward dX = dY W (not for the input layer)
    secs = sum(_time_mm(*g, dtype=dtype) for g in gemms)
    flops = sum(2 * m * k * n for m, k, n in gemms)
    return n_views_step / secs, flops / secs / 1e9


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--images', type=int, default=6400, help='training images per epoch')
    ap.add_argument('--views', type=int, default=10)
    ap.add_argument('--batch', type=int, default=128, help='images per step')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--compile', action='store_true', help='also time the bf16 trainer with compile=True')
    a = ap.parse_args()
    ds = load_dataset('fashion_mnist', 'train')
    print(f'real FashionMNIST ({ds.source}); SimVAE, Table 3 MLP, J={a.views}, {a.batch} images x {a.views} views per step, '
          f'{a.images} images per epoch')
    print(f'machine: {platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, {torch.get_num_threads()} threads')
    from simvae_nb.run import cpu_has_bf16
    print(f'bf16 matrix units (amx_bf16 / avx512_bf16): {cpu_has_bf16()}')
    # without bf16 matrix units bf16 products are emulated (15-25x slower): time its trainer on a tenth of the images
    n16 = a.images if cpu_has_bf16() else max(a.batch * 2, a.images // 10)
    runs = {'fp32': [], 'bf16': []}
    for p in ('fp32', 'bf16', 'fp32', 'bf16'): runs[p].append(bench_trainer(a.images if p == 'fp32' else n16, a.views, a.batch, p))
    (v32, s32, n), (v16, s16, n16v) = (max(runs[p]) for p in ('fp32', 'bf16'))
    vr, nr = bench_reference(ds.images[:a.images, 0].numpy(), a.views, a.batch, a.workers)
    g32, f32 = roofline(a.batch * a.views)
    g16, f16 = roofline(a.batch * a.views, torch.bfloat16)
    print(f'trainer fp32 (batched views, data on device)      : {v32:>8,.0f} views/s  ({n:,} views in {s32:.1f} s; runs {", ".join(f"{r[0]:,.0f}" for r in runs["fp32"])})')
    print(f'trainer bf16 (autocast, losses in fp32)           : {v16:>8,.0f} views/s  ({n16v:,} views in {s16:.1f} s; runs {", ".join(f"{r[0]:,.0f}" for r in runs["bf16"])})')
    print(f'reference    (PIL transforms, DataLoader {a.workers} workers): {vr:>8,.0f} views/s  ({nr:,} views)')
    print(f'roofline fp32 (only the step\'s GEMMs, {f32:.0f} GFLOP/s) : {g32:>8,.0f} views/s')
    print(f'roofline bf16 (only the step\'s GEMMs, {f16:.0f} GFLOP/s) : {g16:>8,.0f} views/s')
    if a.compile:
        vc, sc, ncv = bench_trainer(n16, a.views, a.batch, 'bf16', compile=True)
        print(f'trainer bf16, compile=True                        : {vc:>8,.0f} views/s  ({ncv:,} views in {sc:.1f} s) = '
              f'{vc / v16:.2f}x eager bf16, {100 * vc / g16:.0f}% of the bf16 roofline')
    print(f'bf16 trainer / fp32 trainer = {v16 / v32:.2f}x (target >= 1.8x); bf16 trainer / bf16 roofline = {100 * v16 / g16:.0f}% (target >= 70%)')
    print(f'fp32 trainer / fp32 roofline = {100 * v32 / g32:.0f}%; trainer / reference = {v16 / vr:.1f}x (bf16), {v32 / vr:.1f}x (fp32)')
