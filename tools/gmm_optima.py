#!/usr/bin/env python
"""Is a run's GMM accuracy a property of its representation, or of which EM optimum the fit landed in?

`simvae_nb.evaluate.gmm_optima_run` on every evaluated run (with cached features) under the given folders: the
protocol's accuracy and lower bound (mean log-likelihood per sample) from `eval.json`; `--inits` fits of one k-means
start each (their accuracy range, and the correlation of accuracy with lower bound across them); and EM started from
the class-conditional Gaussians of the training labels -- a diagnostic, never a score: "higher lb? yes" means the
protocol's search missed a better optimum. Results are cached in each run's `features/gmm_optima.pt`.

Usage: python tools/gmm_optima.py [--inits 20] RUNS_ROOT_OR_RUN_DIR [...]
"""
import argparse, sys
from pathlib import Path

from simvae_nb.evaluate import gmm_optima_run


def main(roots, inits):
    missing = [r for r in roots if not Path(r).exists()]
    if missing: sys.exit(f'gmm_optima: error: no such folder: {", ".join(missing)} (give sweep roots or run folders, e.g. runs/cpu/long)')
    runs = sorted(p.parent for r in roots for p in Path(r).rglob('eval.json') if (p.parent / 'features' / 'train.pt').exists())
    if not runs: sys.exit(f'gmm_optima: error: no evaluated run with cached features under {", ".join(roots)}')
    print(f'GMM test accuracy (%) and lower bound (mean log-likelihood per sample); single inits: {inits} fits of one k-means start each')
    print(f"{'run':58s} | {'protocol':>14s} | {'single inits: acc':>17s} {'corr(lb,acc)':>12s} | {'label-init EM':>14s} {'higher lb?':>10s} | s")
    for rd in runs:
        r = gmm_optima_run(rd, inits)
        print(f"{str(rd)[-58:]:58s} | {r['gmm_acc']:5.1f} {r['lower_bound']:8.3f} | {min(r['single_acc']):7.1f}..{max(r['single_acc']):5.1f}   "
              f"{r['corr']:12.2f} | {r['label_acc']:5.1f} {r['label_lb']:8.3f} {'yes' if r['label_lb'] > r['lower_bound'] else 'no':>10s} | "
              f"{'cached' if r['cached'] else round(r['seconds'])}", flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('roots', nargs='+', help='sweep roots or run folders (every evaluated run below them)')
    ap.add_argument('--inits', type=int, default=20, help='single-start fits per run (default 20)')
    a = ap.parse_args()
    if a.inits < 2: ap.error(f'--inits must be at least 2 (a correlation needs two fits), got {a.inits}')
    main(a.roots, a.inits)
