#!/usr/bin/env bash
# Headless Chromium for the UI tests (the bucket web view): Debian's `chromium` package, binary
# /usr/bin/chromium. Idempotent: does nothing when it is already installed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-test-peers/chromium: not root, cannot apt-get install chromium; UI tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null
