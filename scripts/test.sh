#!/usr/bin/env bash
# The whole suite on a fresh Debian machine: installs FFmpeg, fonts and npm dependencies when
# missing (and Debian's Chromium for the browser tests), type-checks, then runs every test
# (unit, HTTP, end-to-end with real FFmpeg, and pages in a real browser). The one-at-a-time load
# group runs even when the main run failed, and the last lines printed name every failed
# assertion (CI keeps only the tail of the log).
set -euo pipefail
cd "$(dirname "$0")/.."
HAWKER_WITH_BROWSER=1 bash scripts/install-deps.sh
npm run typecheck
npm run lint
# tap builds its test module with its default plugins at install (ts-node's loader among them)
# and rebuilds it with .taprc's plugins only during its first run, which still loads the old
# build: on a fresh clone every file of the main run paid for ts-node before tsx (measured:
# 43 HTTP and realtime files took 273 s instead of 151 s). Built first, every run has .taprc's.
npx tap build >/dev/null
started_at=$(date +%s)
status=0
npx tap || status=$?
npm run test:load || status=$?
# the report only reads what the runs wrote: its own trouble must not change the verdict
node scripts/test-report.mjs "$started_at" || echo "(the test report could not be made)"
exit "$status"
