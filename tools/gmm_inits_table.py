#!/usr/bin/env python
"""Tables 5 and 6's GMM columns at 5 initialisations beside the 200 of the protocol (A.7.5), for evaluated runs.

For every run directory under the given roots that has `eval.json` (the 200-initialisation numbers) and cached
features (`features/train.pt`, `features/test.pt`), the GMM is fitted again on the same cached features with 5
initialisations -- the first 5 of the 200, since initialisation i draws row i of the same seeded stream -- and
scored as the evaluation scores it (`gmm_scores`: Hungarian-matched accuracy, NMI, ARI on the test set).

Usage: python tools/gmm_inits_table.py RUNS_ROOT [RUNS_ROOT ...]
"""
import json, sys, time
from pathlib import Path

from simvae_nb.run import load_checkpoint

from simvae_nb.content import EvalConfig, gmm_scores, limit_threads
from simvae_nb.results import PAPER_METHODS, paper_numbers


def main(*roots):
    pn = paper_numbers().query("dataset == 'fashion_mnist' and probe == 'gmm'").set_index(['method', 'metric'])['mean']
    missing = [r for r in roots if not Path(r).is_dir()]
    if missing: sys.exit(f'gmm_inits_table: error: not a folder: {", ".join(missing)} (give sweep roots, e.g. runs/cpu)')
    rows = []
    for f in sorted(p for r in roots for p in Path(r).rglob('eval.json')):
        rd, ev = f.parent, json.loads(f.read_text())
        tr, te = (rd / 'features' / f'{s}.pt' for s in ('train', 'test'))
        if not (tr.exists() and te.exists()): print(f'{rd}: no cached features, skipped'); continue
        tr, te = (load_checkpoint(p)['value'] for p in (tr, te))
        cfg = EvalConfig.from_dict(ev['protocol'])
        t = time.perf_counter()
        with limit_threads(cfg.threads):
            five = gmm_scores(tr['x'], te['x'], te['y'], tr['n_classes'], 5, cfg.gmm_max_iter, cfg.seed, cfg.gmm_backend)
        m = ev['run']['method']
        rows.append((PAPER_METHODS.get(m, m), ev['protocol']['gmm_inits'],
                     *(five[k] for k in ('gmm_acc', 'nmi', 'ari')), *(ev[k] for k in ('gmm_acc', 'nmi', 'ari')),
                     *(pn.get((m, k), float('nan')) for k in ('acc', 'nmi', 'ari')), time.perf_counter() - t))
    print('\nFashionMNIST, GMM on the pre-head features: 5 initialisations | the evaluation\'s (200) | the paper (Tables 5, 6)')
    print(f"{'method':10s} {'inits':>5s} | {'acc5':>5s} {'NMI5':>5s} {'ARI5':>5s} | {'acc':>5s} {'NMI':>5s} {'ARI':>5s} | "
          f"{'paper acc':>9s} {'NMI':>5s} {'ARI':>5s} | 5-init fit s")
    for r in rows:
        print(f'{r[0]:10s} {r[1]:5d} | ' + ' '.join(f'{v:5.1f}' for v in r[2:5]) + ' | ' + ' '.join(f'{v:5.1f}' for v in r[5:8])
              + ' | ' + f'{r[8]:9.1f} ' + ' '.join(f'{v:5.1f}' for v in r[9:11]) + f' | {r[11]:.1f}')


if __name__ == '__main__':
    if len(sys.argv) < 2: sys.exit(__doc__)
    main(*sys.argv[1:])
