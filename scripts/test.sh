#!/usr/bin/env bash
# The whole suite on a fresh Debian machine: installs FFmpeg, fonts and npm dependencies when
# missing (and Debian's Chromium for the browser tests), type-checks, then runs every test
# (unit, HTTP, end-to-end with real FFmpeg, and pages in a real browser).
set -euo pipefail
cd "$(dirname "$0")/.."
HAWKER_WITH_BROWSER=1 bash scripts/install-deps.sh
exec npm test
