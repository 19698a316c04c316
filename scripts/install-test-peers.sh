#!/usr/bin/env bash
# Installs the real peers the tests run against, idempotently: anything already present is
# skipped, so `npm test` (pretest) can call it on every run. Needs root for apt-get (CI runs as
# root); without root it only reports what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "install-test-peers: missing ${need_apt[*]} and not root; tests needing them will fail" >&2
  else
    echo "install-test-peers: apt-get install ${need_apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
fi

# Debian's prometheus package starts a system service on install; the tests start their own
# Prometheus processes on free ports, so a system one only wastes a core.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl stop prometheus >/dev/null 2>&1 || true
fi
pkill -x prometheus-node-exporter >/dev/null 2>&1 || true

for extra in scripts/install-test-peers.d/*.sh; do
  [ -e "$extra" ] && bash "$extra"
done
exit 0
