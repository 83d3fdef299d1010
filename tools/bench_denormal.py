#!/usr/bin/env python
"""Training steps from a run's checkpoint with subnormal floats kept and flushed to zero (`torch.set_flush_denormal`),
measured side by side in one process.

The method and Adam's state come from the checkpoint; each step is the run's own: a batch of real training images
turned into J augmented views, forward, backward, Adam's step. The two settings alternate (kept, flushed, kept,
flushed), each round starting again from copies of the checkpoint's state, so both see the same machine. It also
counts the subnormal entries of Adam's state (exp_avg, exp_avg_sq) in the checkpoint: the cause, when there is one.

Usage: python tools/bench_denormal.py RUN_DIR [--steps 30] [--rounds 2] [--threads 1]
"""
import argparse, copy, platform, time
import torch

from simvae_nb.data import load_dataset
from simvae_nb.learner import ViewBatches
from simvae_nb.run import load_run, read_checkpoint

TINY = torch.finfo(torch.float32).tiny     # 1.18e-38: the smallest normal float32


def subnormal_state(opt_state:dict) -> tuple:
    "Subnormal entries of Adam's moment estimates, of all."
    n = tot = 0
    for s in opt_state['state'].values():
        for k in ('exp_avg', 'exp_avg_sq'):
            t = s[k]; tot += t.numel(); n += int(((t != 0) & (t.abs() < TINY)).sum())
    return n, tot


def time_steps(method, opt, batches, steps:int, flush:bool) -> float:
    "Seconds per training step, with subnormals flushed or kept."
    torch.set_flush_denormal(flush)
    it = batches(0)
    t = time.perf_counter()
    for _ in range(steps):
        views = next(it)
        opt.zero_grad(set_to_none=True)
        method(views)['loss'].backward()
        opt.step()
    return (time.perf_counter() - t) / steps


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('run_dir'); ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--rounds', type=int, default=2); ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg, method, _ = load_run(a.run_dir)
    ck = read_checkpoint(a.run_dir)
    n, tot = subnormal_state(ck['optimizer'])
    ds = load_dataset(cfg.dataset, 'train', data_root=cfg.data_root)
    batches = ViewBatches(ds.images[:len(ds) - cfg.val_size], cfg.n_views, cfg.recipe, cfg.images_per_step, cfg.seed,
                          n_batches=a.steps)
    print(f'{a.run_dir}: {cfg.method}, epoch {ck["epoch"]}, step {ck["step"]}; {cfg.images_per_step} images x J={cfg.n_views} per step; '
          f'torch {torch.__version__}, {a.threads} thread(s), {platform.processor() or platform.machine()}')
    print(f"Adam state: {n:,} of {tot:,} entries subnormal ({100 * n / tot:.1f} %)")
    res = {False: [], True: []}
    for r in range(a.rounds):
        for flush in (False, True):
            m = copy.deepcopy(method).train()
            opt = torch.optim.Adam([p for p in m.parameters() if p.requires_grad], lr=cfg.lr)
            opt.load_state_dict(copy.deepcopy(ck['optimizer']))
            res[flush].append(time_steps(m, opt, batches, a.steps, flush))
            print(f'  round {r + 1}, subnormals {"flushed" if flush else "kept   "}: {1000 * res[flush][-1]:.1f} ms/step')
    kept, flushed = min(res[False]), min(res[True])
    print(f'best of {a.rounds}: kept {1000 * kept:.1f} ms/step, flushed {1000 * flushed:.1f} ms/step: flushing is {kept / flushed:.2f}x faster')


if __name__ == '__main__':
    main()
