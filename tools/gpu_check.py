#!/usr/bin/env python
"""GPU check (issue 3): SimVAE with the Table 4 ResNet on CIFAR-10-shaped data, J=10 views, batch 128 images,
for 2 epochs; prints seconds per epoch (target on one H200: <= 10 s/epoch).

The data are random images written in CIFAR-10's own on-disk format (50,000 training images), loaded by the
real CIFAR-10 loader, so the run is the paper's CIFAR-10 SimVAE run in every respect but the pixels.

Usage: python tools/gpu_check.py [--epochs 2] [--device cuda]
"""
import argparse, json, tempfile, time
from pathlib import Path
import torch

from simvae_nb.data import write_cifar10_files
from simvae_nb.learner import TrainConfig, train

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--epochs', type=int, default=2)
    ap.add_argument('--device', default='auto')
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        t = time.time()
        write_cifar10_files(d, n_per_batch=10000)                     # 5 x 10,000 training images + a test batch
        print(f'wrote CIFAR-10-format data in {time.time() - t:.1f} s')
        cfg = TrainConfig('cifar10', 'simvae', epochs=a.epochs, data_root=d, out_dir=str(Path(d) / 'run'),
                          device=a.device, progress=False)
        dev = torch.cuda.get_device_name() if torch.cuda.is_available() else 'cpu'
        print(f'{dev}; torch {torch.__version__}; SimVAE ResNet (Table 4), J={cfg.n_views}, batch {cfg.batch_size} images, '
              f'latent {cfg.latent_dim}, precision {cfg.precision}')
        train(cfg)
        for l in (Path(d) / 'run' / 'metrics.jsonl').read_text().splitlines():
            m = json.loads(l)
            print(f"epoch {m['epoch']}: {m['seconds']:.1f} s/epoch, {m['views_per_s']:,.0f} views/s, loss {m['loss']:.1f}")
