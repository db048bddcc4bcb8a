#!/usr/bin/env bash
# Runs the whole PacSpace test suite. Installs what the tests need when it is missing:
# the PostgreSQL 15 server binaries (the suite starts its own server on a loopback port) and
# Debian's Chromium (the browser tests drive it headless through Playwright).
set -euo pipefail
cd "$(dirname "$0")"

PG_BIN="${PACSPACE_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$PG_BIN/initdb" ]; then
  echo "Installing PostgreSQL 15 server binaries (needed by the integration tests)…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15 >/dev/null
  # The tests start their own server; the distribution's default cluster is not needed.
  $SUDO pg_ctlcluster 15 main stop 2>/dev/null || true
fi

CHROMIUM="${PACSPACE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "Installing Debian's chromium (needed by the browser tests)…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

dotnet test PacSpace.slnx --nologo -c Release "$@"
