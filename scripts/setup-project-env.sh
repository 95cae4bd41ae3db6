#!/usr/bin/env bash
# Creates .venv (Python 3.11+) with the helpdesk installed from pyproject.toml and its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/find-python.sh 3.11+)
if [ ! -x .venv/bin/python ]; then
  echo "Creating the project environment .venv with $python"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# argostranslate needs torch; the CPU build first, or pip would fetch the multi-GB CUDA build.
# (Where the registry lacks a CPU wheel: PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu)
.venv/bin/python -m pip install --quiet "torch==${TORCH_VERSION:-2.13.0}"
echo "Installing the helpdesk and its test tools into .venv"
.venv/bin/python -m pip install --quiet -e '.[test]'
