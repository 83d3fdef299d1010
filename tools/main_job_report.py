#!/usr/bin/env python
"""The main job's last step: what the trained SimVAE learned, in one figure and one table.

- `OUT/learned.png`: ten test images (one per class), their reconstructions from the posterior mean, and two
  rows of class-conditional samples (a Gaussian per class fitted to the training representations, A.7.6);
- printed: our test scores beside the paper's SimVAE and VAE on FashionMNIST (Tables 1 and 5), with our budget.

Usage: python tools/main_job_report.py RUN_DIR OUT_DIR
"""
import json, sys
from pathlib import Path
import torch

from simvae_nb.generate import class_gaussians, generate, image_rows, load_codec, pick_images, reconstructions, train_images, _split
from simvae_nb.results import paper_numbers
from simvae_nb.run import load_run, read_json, read_metrics


def learned_figure(run, out: Path):
    cfg = load_run(run).cfg
    codec = load_codec(run, 'cpu')
    test = _split(cfg.dataset, 'test', cfg.data_root)
    rows = reconstructions({'reconstruction': codec}, test.images[pick_images(test.labels, 10)])
    rows = {'test image': rows['original'], 'reconstruction': rows['reconstruction']}
    gs = class_gaussians(codec, train_images(cfg, 10000, cfg.data_root))
    classes = torch.tensor(sorted(gs))
    for s in (0, 1): rows[f'sample {s + 1} (per class)'] = generate(codec, gs, classes, seed=s)
    fig = image_rows(rows, title=f'SimVAE on {cfg.dataset}, {cfg.epochs} epochs: test images, reconstructions, class-conditional samples')
    fig.savefig(out, dpi=120, bbox_inches='tight')
    return out


def table(run) -> str:
    ev, m = read_json(Path(run) / 'eval.json'), read_metrics(Path(run) / 'metrics.jsonl')
    p = paper_numbers().query("dataset == 'fashion_mnist' and method in ('simvae', 'vae')")
    paper = lambda meth, probe: p[(p.method == meth) & (p.probe == probe) & (p.metric == 'acc')]['mean'].item()
    cols = [('kNN, k on validation', 'knn', ev.get('knn_acc_val_k')), ('kNN, best k on test*', 'knn', ev['knn_acc']),
            ('linear probe', 'linear', ev['linear_acc']), ('MLP probe', 'mlp', ev['mlp_acc']), ('GMM', 'gmm', ev['gmm_acc'])]
    views = sum(x.get('views_per_s', 0) * x.get('seconds', 0) for x in m)
    lines = [f"{'test accuracy, %':<24}{'ours':>8}{'paper SimVAE':>14}{'paper VAE':>11}"]
    for name, probe, ours in cols:
        lines.append(f"{name:<24}{'—' if ours is None else f'{ours:.1f}':>8}{paper('simvae', probe):>14.1f}{paper('vae', probe):>11.1f}")
    lines.append(f"ours: {len(m)} epochs, {views:,.0f} views, {sum(x['seconds'] for x in m) / 60:.1f} min on this machine; "
                 f"the paper: 400 epochs on a GPU. *the paper's protocol: k chosen on the test set (kept for comparison).")
    return '\n'.join(lines)


if __name__ == '__main__':
    run, out = Path(sys.argv[1]), Path(sys.argv[2])
    print(table(run))
    print(f'figure: {learned_figure(run, out / "learned.png")}')
