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
echo "Installing the helpdesk and its test tools into .venv"
.venv/bin/python -m pip install --quiet -e '.[test]'
