#!/usr/bin/env bash
# The whole suite on a fresh Debian machine: installs FFmpeg, fonts and npm dependencies when
# missing, type-checks, then runs every test (unit, HTTP, and end-to-end with real FFmpeg).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec npm test
