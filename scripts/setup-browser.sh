#!/usr/bin/env bash
# The browser tests drive a real Chromium. Debian's package is used (Playwright's own download
# is not needed): install it when missing and we may, else say how.
set -euo pipefail

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
        || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
    exit 0
fi
echo "The browser tests need Chromium at $chromium: sudo apt-get install chromium" >&2
echo "(or set CHROMIUM=/path/to/chromium)" >&2
exit 1
