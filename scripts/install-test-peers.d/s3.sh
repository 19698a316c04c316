#!/usr/bin/env bash
# Builds the S3-protocol test peer (scripts/install-test-peers.d/s3server: rclone's gofakes3 with
# SigV4 verification on) from the Go module proxy, idempotently. The binary is cached under
# /opt/aeon-test-peers/bin (or $AEON_TEST_PEERS_DIR/bin) together with a stamp of the sources it
# was built from, so a re-run only rebuilds when main.go/go.mod/go.sum change.
# tests/helpers/s3-server.ts looks for the binary at the same place (or $AEON_S3SERVER_BIN).
set -euo pipefail
src="$(cd "$(dirname "$0")/s3server" && pwd)"
peers="${AEON_TEST_PEERS_DIR:-/opt/aeon-test-peers}"
bin="$peers/bin/aeon-s3server"
stamp="$peers/bin/aeon-s3server.stamp"

want="$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -d' ' -f1)"
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  for g in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [ -x "$g" ] && export PATH="$(dirname "$g"):$PATH" && break
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-test-peers/s3: no Go toolchain; S3 tests will fail" >&2
  exit 0
fi
if ! mkdir -p "$peers/bin" 2>/dev/null || [ ! -w "$peers/bin" ]; then
  peers="${HOME}/.cache/aeon-test-peers"
  bin="$peers/bin/aeon-s3server"
  stamp="$peers/bin/aeon-s3server.stamp"
  mkdir -p "$peers/bin"
  if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
fi

echo "install-test-peers/s3: building aeon-s3server (gofakes3 + SigV4) into $bin" >&2
tmp="$bin.tmp.$$"
(cd "$src" && GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 go build -trimpath -o "$tmp" .)
mv -f "$tmp" "$bin"
echo "$want" > "$stamp"
