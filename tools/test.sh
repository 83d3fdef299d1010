#!/usr/bin/env bash
# The test command of the README: sets itself up, then runs every test.
#   1. nbdev_test   every notebook in nbs/ with the default flags (slow|gpu|paper cells skipped)
#   2. docs         the Quarto project rendered offline into _docs/ (tools/build_docs.py)
#   3. pytest       tests/: nbdev_export and nbdev_clean are no-ops, README matches index.ipynb,
#                   the docs site is complete and reads right in headless Chromium (tests/test_browser.py:
#                   screenshots in _docs/_screenshots/), loaders on files in the real formats, end-to-end runs
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
. .venv/bin/activate
export MPLBACKEND=Agg PYTHONWARNINGS=ignore::DeprecationWarning
t0=$SECONDS
echo "== 1/3 nbdev_test (all notebooks, default flags)"
# two notebooks at a time on two cores: one torch thread each, or OpenMP threads fight for the cores
OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE nbdev_test --n_workers "${NBDEV_WORKERS:-2}" --timing
echo "== 2/3 docs build"
python tools/build_docs.py
echo "== 3/3 pytest"
# two tests at a time (pytest-xdist): most of a test is starting processes and notebook kernels, which leaves a core
# idle; one torch thread each, as above. tests/conftest.py keeps the tests of the shared build state on one worker.
OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE pytest -q -ra --durations=10 -n "${PYTEST_WORKERS:-2}" tests "$@"
echo "== all tests passed in $((SECONDS - t0)) s"
