#!/usr/bin/env bash
# Re-execute the pages computed from the committed records (results/): the reproduction report (nbs/figures.ipynb)
# and the landing page (nbs/index.ipynb), in place, then clean them and regenerate README.md from index.ipynb.
# Run it after `simvae_record ... --to results`; tests/test_report.py fails until the pages match the records.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
unset MPLBACKEND   # the kernels must use the inline backend, or the figures are not kept as outputs
for nb in figures.ipynb index.ipynb; do
  echo "== $nb"
  t0=$SECONDS
  (cd nbs && jupyter nbconvert --to notebook --execute --inplace "$nb" --ExecutePreprocessor.timeout=1200 2>&1 | grep -v -e WARNING -e '^\[NbConvertApp\] Converting' || true)
  echo "   $((SECONDS - t0)) s"
done
nbdev_clean
python tools/build_docs.py   # the site and README.md (nbdev_readme needs Quarto)
