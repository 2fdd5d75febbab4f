#!/usr/bin/env bash
# Start Hawker on its defaults (data in ./data, HTTP on 8080, RTMP on 1935) after installing
# what it needs. Settings: HAWKER_* environment variables or HAWKER_CONFIG=<file>.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec npm start
