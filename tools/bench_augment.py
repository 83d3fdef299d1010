#!/usr/bin/env python
"""Augmentation throughput on real FashionMNIST with J views per image: the batched path of
`simvae_nb.augment.make_views` against the usual per-sample pipeline (torchvision PIL transforms of the same
recipe, in a DataLoader with 2 workers), measured in one run on the same images.

Usage: python tools/bench_augment.py [--images 12800] [--views 10] [--batch 128] [--workers 2]
"""
import argparse, os, platform, time
import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms as T

from simvae_nb.augment import RECIPES, make_views
from simvae_nb.data import load_dataset


class PILViews(Dataset):
    "The reference: each image becomes J views, each through per-sample PIL transforms."
    def __init__(self, images: np.ndarray, n_views: int, tf):
        self.images, self.n_views, self.tf = images, n_views, tf
    def __len__(self): return len(self.images)
    def __getitem__(self, i):
        img = Image.fromarray(self.images[i])
        return torch.stack([self.tf(img) for _ in range(self.n_views)])


def bench_reference(images, n_views, batch, workers, recipe):
    tf = T.Compose([T.RandomResizedCrop(images.shape[-1], scale=recipe.crop_scale, ratio=recipe.crop_ratio),
                    T.RandomHorizontalFlip(recipe.flip_p), T.ToTensor()])
    dl = DataLoader(PILViews(images, n_views, tf), batch_size=batch, shuffle=True, num_workers=workers,
                    persistent_workers=workers > 0)
    it = iter(dl); next(it)                       # start the workers before timing
    t, n = time.perf_counter(), 0
    for v in it: n += v.shape[0] * v.shape[1]
    return n, time.perf_counter() - t


def bench_batched(images, n_views, batch, recipe):
    g = torch.Generator().manual_seed(0)
    make_views(images[:batch], n_views, recipe, generator=g)   # warm-up
    perm = torch.randperm(len(images), generator=g)
    t, n = time.perf_counter(), 0
    for s in range(batch, len(images), batch):   # same batches as the reference after its first
        v, _ = make_views(images[perm[s:s + batch]], n_views, recipe, generator=g)
        n += v.shape[0] * v.shape[1]
    return n, time.perf_counter() - t


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--images', type=int, default=12800)
    ap.add_argument('--views', type=int, default=10)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args()
    ds = load_dataset('fashion_mnist', 'train')
    images = ds.images[:a.images]
    recipe = RECIPES['fashion_mnist']
    print(f'FashionMNIST train ({ds.source}): {len(images)} images, J={a.views}, batch {a.batch}; recipe: {recipe}')
    print(f'machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, '
          f'{torch.get_num_threads()} threads')
    nb, tb = bench_batched(images, a.views, a.batch, recipe)
    nr, tr = bench_reference(images[:, 0].numpy(), a.views, a.batch, a.workers, recipe)
    vb, vr = nb / tb, nr / tr
    print(f'batched   make_views (one call per batch)          : {nb:>9,} views in {tb:6.2f} s = {vb:>9,.0f} views/s')
    print(f'reference PIL transforms per sample, {a.workers} workers   : {nr:>9,} views in {tr:6.2f} s = {vr:>9,.0f} views/s')
    print(f'speed-up: {vb / vr:.1f}x (target >= 5x)')
