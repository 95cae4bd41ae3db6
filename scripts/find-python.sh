#!/usr/bin/env bash
# Prints the path of a Python interpreter of the wanted version, or explains how to get one.
# Usage: scripts/find-python.sh 3.10          (exactly 3.10, for Rasa 3.6)
#        scripts/find-python.sh 3.11+         (3.11 or newer, for the helpdesk)
set -euo pipefail
want="${1:?usage: find-python.sh 3.10 | 3.11+}"

matches() {  # matches PYTHON -> true when its version fits $want
  local v
  v=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || return 1
  case "$want" in
    *+) [ "$(printf '%s\n%s\n' "${want%+}" "$v" | sort -V | head -n1)" = "${want%+}" ] ;;
    *) [ "$v" = "$want" ] ;;
  esac
}

candidates() {
  local base="${want%+}"
  [ -n "${PYTHON:-}" ] && [ "$want" != "3.10" ] && echo "$PYTHON"
  [ -n "${PYTHON310:-}" ] && [ "$want" = "3.10" ] && echo "$PYTHON310"
  if [ "$want" = "3.10" ]; then
    echo python3.10
  else
    echo python3; for minor in 13 12 11; do echo "python3.$minor"; done
  fi
  local root; root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  ls -d "$root"/versions/"$base"*/bin/python"$base" 2>/dev/null | sort -rV || true
  [ "$want" != "3.10" ] && ls -d "$root"/versions/3.1[1-9]*/bin/python3 2>/dev/null | sort -rV || true
  ls /usr/bin/python"$base" /usr/local/bin/python"$base" 2>/dev/null || true
}

while read -r candidate; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if matches "$path"; then echo "$path"; exit 0; fi
done < <(candidates)

if [ "$want" = "3.10" ]; then
  cat >&2 <<'MSG'
No Python 3.10 found. Rasa Open Source 3.6 (the bot) runs only on Python 3.8-3.10.
Install one of these, then run the command again:
  - pyenv:   pyenv install 3.10.13
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv   (deadsnakes PPA on Ubuntu)
  - or point PYTHON310=/path/to/python3.10 at an existing interpreter.
MSG
else
  echo "No Python $want found. Install Python 3.11 or newer, or set PYTHON=/path/to/python3.11." >&2
fi
exit 1
