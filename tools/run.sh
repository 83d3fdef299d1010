#!/usr/bin/env bash
# The main job of the README: sets itself up, then runs on real FashionMNIST (CPU is fine).
# Now: loads FashionMNIST and writes runs/quick/views.png, J=10 augmented views per image (Table 2 recipe).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
. .venv/bin/activate
export MPLBACKEND=Agg
out=${1:-runs/quick}
python - "$out" <<'PY'
import sys, time
from simvae_nb.augment import views_figure
t = time.time()
out = f'{sys.argv[1]}/views.png'
views_figure('fashion_mnist', n_images=8, n_views=10, out=out)
print(f'wrote {out} ({time.time() - t:.1f} s)')
PY
