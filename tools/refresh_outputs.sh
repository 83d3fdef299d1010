#!/usr/bin/env bash
# Re-execute notebooks in place so the docs show current outputs, then clean and export (the nbdev workflow).
# Usage: bash tools/refresh_outputs.sh [NOTEBOOK ...]   (default: every library notebook; the papermill entry
# points train/evaluate/figures keep their parameters and are not executed here)
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
unset MPLBACKEND   # the kernels must use the inline backend, or the figures are not kept as outputs
nbs=("$@")
if [ ${#nbs[@]} -eq 0 ]; then
  mapfile -t nbs < <(cd nbs && ls [0-9]*.ipynb index.ipynb)
fi
for nb in "${nbs[@]}"; do
  nb=$(basename "$nb")
  echo "== $nb"
  (cd nbs && jupyter nbconvert --to notebook --execute --inplace "$nb" --ExecutePreprocessor.timeout=1200 2>&1 | grep -v -e WARNING -e '^\[NbConvertApp\] Converting' || true)
done
nbdev_clean
nbdev_export
