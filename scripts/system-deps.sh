#!/usr/bin/env bash
# Installs the Debian packages the stack needs, or prints the exact command and fails where it
# cannot (not root, or not Debian). Usage: system-deps.sh run|test|bench
source "$(dirname "$0")/common.sh"
purpose="${1:-run}"

need=()
[ -x "$PG_BIN/initdb" ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
command -v redis-server >/dev/null || need+=(redis-server)
command -v msgfmt >/dev/null || need+=(gettext)
/usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
# WeasyPrint (the printable sheets' PDF) draws text with Pango.
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "$purpose" = test ]; then
  [ -x /usr/lib/chromium/chromium ] || need+=(chromium)
  if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
    need+=(docker-compose)
  fi
fi
# The suite runs the benchmark harness end to end (tests/bench_tests), so it needs wrk too.
if [ "$purpose" = bench ] || [ "$purpose" = test ]; then
  command -v wrk >/dev/null || need+=(wrk)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi

cmd="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts the packaged Redis and PostgreSQL on their default ports; we run our own.
  exit 0
fi
echo "Missing system packages: ${need[*]}" >&2
if command -v apt-get >/dev/null; then
  echo "Run as root:  sudo sh -c '$cmd'" >&2
else
  echo "This is not a Debian system. Install PostgreSQL 15 with PostGIS 3, Redis, gettext, Pango and" >&2
  echo "Python 3.11 with venv by your platform's means; on Debian 12 the command is:" >&2
  echo "  $cmd" >&2
fi
exit 1
