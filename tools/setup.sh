#!/usr/bin/env bash
# Set up everything the two README commands need, idempotently:
#   - .venv with the pinned packages of tools/requirements.txt and simvae_nb installed editable;
#   - from Debian, when apt-get is available: real FashionMNIST (dataset-fashion-mnist), KaTeX (libjs-katex:
#     the docs typeset their equations with a local copy) and headless Chromium (chromium: tests/test_browser.py).
# Re-running is cheap: the venv is rebuilt only when tools/requirements.txt, setup.py or settings.ini change.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

key=$(cat tools/requirements.txt setup.py settings.ini | sha256sum | cut -c1-16)
stamp=".venv/.setup-$key"
if [ ! -f "$stamp" ]; then
  echo "== setting up .venv (pinned packages; a few minutes the first time; log in .venv/setup.log)"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  pip() { .venv/bin/python -m pip --disable-pip-version-check "$@" >>.venv/setup.log 2>&1 || { tail -40 .venv/setup.log; exit 1; }; }
  pip install --upgrade pip
  pip install -r tools/requirements.txt
  # pytorch-fid: --no-deps, its needs (torch, torchvision, numpy, scipy, pillow) are pinned above
  pip install --no-deps pytorch-fid==0.3.0
  [ -f README.md ] || touch README.md
  pip install --no-deps -e .
  rm -f .venv/.setup-*; touch "$stamp"
fi

# Debian packages, each only when it is missing (KaTeX and Chromium: 30 s here, apt-get update included):
#   dataset-fashion-mnist  real FashionMNIST, offline (30 MB, the four original .gz files)
#   libjs-katex            KaTeX, copied into the docs by tools/build_docs.py so equations render with no network
#   chromium               headless browser for tests/test_browser.py
need=()
[ -f /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -f /usr/share/javascript/katex/katex.min.js ] || need+=(libjs-katex)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
    echo "== installing ${need[*]} with apt-get"
    ( $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" ) >/dev/null 2>&1 \
      || echo "   (apt-get could not install them: FashionMNIST will be downloaded by torchvision where the network allows;" \
              "the docs build needs KaTeX and the browser test needs Chromium)"
  else
    echo "== no apt-get: install ${need[*]} yourself (the docs build needs KaTeX, the browser test Chromium)"
  fi
fi
