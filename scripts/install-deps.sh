#!/usr/bin/env bash
# Installs what Hawker needs on a fresh Debian machine with Node 20+: FFmpeg and fonts from
# apt (as root, only when missing), then the npm dependencies (npm ci, when not installed yet
# or when package-lock.json changed since).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# overlays draw Latin, CJK, Arabic/Hebrew and emoji text
[ -e /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || need_apt+=(fonts-noto-core)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need_apt+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need_apt+=(fonts-noto-color-emoji)
# the browser tests drive Debian's Chromium, the player test GStreamer's HLS player, the push
# tests openssl (only the test command asks for them)
if [ "${HAWKER_WITH_BROWSER:-0}" = 1 ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  command -v gst-launch-1.0 >/dev/null 2>&1 || need_apt+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav)
  # the reminder tests' local push service makes its own certificate
  command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing from apt: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 900 apt-get update -qq
    timeout 1200 apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "missing: ${need_apt[*]} (install them with your package manager, e.g. apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Hawker needs Node.js 20 or newer; this is $(node --version)" >&2
  exit 1
fi

stamp=node_modules/.hawker-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "installing npm dependencies (npm ci)"
  timeout 1200 npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
