#!/usr/bin/env bash
# The main job of the README: sets itself up, then, on real FashionMNIST and the CPU (a few minutes):
#   1. trains SimVAE (J=10 views, the paper's prior and likelihood variances) -> runs/quick/simvae through the papermill
#      training notebook (config.json, metrics.jsonl, checkpoint.pt): 2 epochs in fp32; 4 where training runs in bf16
#      (precision 'auto' picks it on a CPU with bf16 matrix units, or a GPU), in about the same time, since the bf16
#      trainer is 2-3x the fp32 one there (2.29x on AMX). EPOCHS=N sets it;
#   2. evaluates it with the paper's protocol through the evaluation notebook (eval.json) and prints the
#      test kNN accuracy on posterior means;
#   3. draws the augmentation recipe: J=10 views of a few images (runs/quick/views.png);
#   4. shows what was learned: test images, reconstructions and class-conditional samples (runs/quick/learned.png),
#      and a table of our test scores beside the paper's SimVAE and VAE.
# Re-running resumes or skips what is done. Pass another folder as $1 to start afresh elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
. .venv/bin/activate
export MPLBACKEND=Agg
out=${1:-runs/quick}
mkdir -p "$out"
epochs=${EPOCHS:-$(python -c "from simvae_nb.run import resolve_device, resolve_precision as p; from simvae_nb.methods import METHODS
print(4 if p('auto', resolve_device('auto'), METHODS['simvae'].bf16_safe) == 'bf16' else 2)")}
echo "== 1/4 train SimVAE on FashionMNIST ($epochs epochs, J=10) -> $out/simvae"
papermill nbs/train.ipynb "$out/train.ipynb" -k python3 --no-progress-bar \
  -p dataset fashion_mnist -p method simvae -p epochs "$epochs" -p lr 1e-3 -p out_dir "$out/simvae"
echo "== 2/4 evaluate (kNN k=1..15, linear and MLP probes, GMM, style) -> $out/simvae/eval.json"
papermill nbs/evaluate.ipynb "$out/evaluate.ipynb" -k python3 --no-progress-bar -p run_dir "$out/simvae"
echo "== 3/4 augmented views -> $out/views.png"
python - "$out" <<'PY'
import sys
from simvae_nb.augment import views_figure
views_figure('fashion_mnist', n_images=8, n_views=10, out=f'{sys.argv[1]}/views.png')
PY
echo "== 4/4 what SimVAE learned -> $out/learned.png"
python tools/main_job_report.py "$out/simvae" "$out"
echo "run directory: $out/simvae  (executed notebooks: $out/train.ipynb, $out/evaluate.ipynb; figures: $out/views.png, $out/learned.png)"
