#!/usr/bin/env bash
# StoreAPI wire tests (tests/store/wire-curl.test.ts) send raw gRPC frames with curl over h2c.
set -euo pipefail
if command -v curl >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "install-test-peers/storeapi: curl missing and not root; tests/store/wire-curl will fail" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null
