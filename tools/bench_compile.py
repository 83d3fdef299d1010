#!/usr/bin/env python
"""Does `torch.compile` pay on the CPU training path? One SimVAE-MLP training step (real FashionMNIST, the
library's own `make_views` and `SimVAE`, J views of a batch of images, Adam), eager against compiled, at the
precision 'auto' resolves to on this machine: the compile time (first steps), then steady-state views/s of the
whole step (views made, forward, backward, optimiser), alternating eager/compiled blocks in one process.

Adopted only where it pays more than 10 % end to end and compiles in under a minute (issue 11).

Usage: python tools/bench_compile.py [--images 128] [--views 10] [--steps 30] [--mode default]
"""
import argparse, os, platform, time
from contextlib import nullcontext
import torch

from simvae_nb.augment import RECIPES, make_views
from simvae_nb.data import load_dataset
from simvae_nb.run import resolve_precision
from simvae_nb.vaes import SimVAE


def make_step(model, opt, precision):
    ctx = (lambda: torch.autocast('cpu', dtype=torch.bfloat16)) if precision == 'bf16' else nullcontext
    def step(views):
        with ctx(): loss = model(views)['loss']
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        return loss.detach()
    return step


def block(step, images, n_views, steps, gen):
    t = time.perf_counter()
    for i in range(steps):
        v, _ = make_views(images[(i * len(images) // steps) % len(images):][:128], n_views, RECIPES['fashion_mnist'], generator=gen)
        step(v)
    return steps * 128 * n_views / (time.perf_counter() - t)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--views', type=int, default=10)
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--mode', default='default', help="torch.compile mode: default, reduce-overhead, max-autotune")
    a = ap.parse_args()
    precision = resolve_precision('auto', torch.device('cpu'))
    images = load_dataset('fashion_mnist', 'train').images[:12800]
    print(f'machine: {platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, {torch.get_num_threads()} threads, '
          f"capability {torch.backends.cpu.get_cpu_capability()}; precision 'auto' -> {precision}")
    torch.manual_seed(0)
    eager_model = SimVAE((1, 28, 28), 10, 'mlp')
    comp_model = SimVAE((1, 28, 28), 10, 'mlp'); comp_model.load_state_dict(eager_model.state_dict())
    eager = make_step(eager_model, torch.optim.Adam(eager_model.parameters(), lr=1e-3), precision)
    compiled_model = torch.compile(comp_model, mode=a.mode)
    comp = make_step(compiled_model, torch.optim.Adam(comp_model.parameters(), lr=1e-3), precision)
    gen = torch.Generator().manual_seed(0)
    v, _ = make_views(images[:128], a.views, RECIPES['fashion_mnist'], generator=gen)
    t = time.perf_counter(); comp(v); comp(v); t_compile = time.perf_counter() - t
    eager(v); eager(v)
    rates = {'eager': [], 'compiled': []}
    for _ in range(2):
        rates['eager'].append(block(eager, images, a.views, a.steps, gen))
        rates['compiled'].append(block(comp, images, a.views, a.steps, gen))
    e, c = max(rates['eager']), max(rates['compiled'])
    print(f"compile (first two steps)           : {t_compile:6.1f} s")
    print(f"eager    step (views/s, 2 blocks)   : {e:8,.0f}  ({', '.join(f'{r:,.0f}' for r in rates['eager'])})")
    print(f"compiled step (views/s, 2 blocks)   : {c:8,.0f}  ({', '.join(f'{r:,.0f}' for r in rates['compiled'])})")
    print(f"compiled / eager = {c / e:.2f}x; adopt if > 1.10x and compile < 60 s: {'yes' if c / e > 1.1 and t_compile < 60 else 'no'}")
