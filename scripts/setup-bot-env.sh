#!/usr/bin/env bash
# Creates .venv-bot (Python 3.10) with Rasa 3.6, pinned by bot/constraints.txt (takes ~4 minutes),
# and puts the project on its path so Rasa finds our components (bot/components).
# --refreeze rewrites bot/constraints.txt from what got installed (after changing requirements).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/find-python.sh 3.10)
if [ ! -x .venv-bot/bin/python ]; then
  echo "Creating the bot environment .venv-bot with $python"
  "$python" -m venv .venv-bot
fi
.venv-bot/bin/python -m pip install --quiet --upgrade 'pip<25'
echo "Installing Rasa 3.6 into .venv-bot (a few minutes the first time)"
if [ "${1:-}" = "--refreeze" ]; then
  .venv-bot/bin/python -m pip install --quiet -r bot/requirements.txt
  { sed -n '1,2p' bot/constraints.txt; .venv-bot/bin/python -m pip freeze --exclude-editable; } > bot/constraints.new
  mv bot/constraints.new bot/constraints.txt
else
  .venv-bot/bin/python -m pip install --quiet -r bot/requirements.txt -c bot/constraints.txt
fi
# Rasa imports the pipeline's custom components by module path (bot.components.…) and runs with
# var/ as its working directory, for `rasa train` as for `rasa run`: a .pth file puts the project
# root on the bot environment's path, for every way Rasa is started.
site_packages=$(.venv-bot/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# Its second line installs the hook of bot/patches/ (small, pinned fixes to Rasa 3.6.21, each
# checked against the code it replaces when Rasa imports it). Rewritten whole: running this again
# changes nothing.
{ pwd; echo 'import bot.patches.on_import; bot.patches.on_import.install()'; } > "$site_packages/shop_support_bot.pth"
