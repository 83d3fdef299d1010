#!/usr/bin/env bash
# Set up everything the two README commands need, idempotently:
#   - .venv with the pinned packages of tools/requirements.txt and simvae_nb installed editable;
#   - real FashionMNIST from Debian's dataset-fashion-mnist package when apt-get is available.
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

# Real FashionMNIST, offline, from Debian (30 MB, the four original .gz files).
if [ ! -f /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  echo "== installing dataset-fashion-mnist with apt-get"
  ( $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dataset-fashion-mnist ) >/dev/null 2>&1 \
    || echo "   (apt-get could not install it: FashionMNIST will be downloaded by torchvision instead, where the network allows)"
fi
