#!/usr/bin/env bash
# `make test`: lint and type-check, then the whole suite on SQLite, then again on PostgreSQL.
# Starts PostgreSQL and Redis when they are installed but stopped; says loudly what it had to skip.
set -u
cd "$(dirname "$0")/.."
status=0
scripts/ensure-services.sh | tee /tmp/pulseguard-services.$$
skipped=""
grep -q "PostgreSQL NOT" /tmp/pulseguard-services.$$ && skipped="$skipped PostgreSQL-pass"
grep -q "Redis NOT" /tmp/pulseguard-services.$$ && skipped="$skipped Redis-tests"
rm -f /tmp/pulseguard-services.$$

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing chromium for the browser tests (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/tmp/pulseguard-chromium.log 2>&1 \
      || { apt-get update -q >>/tmp/pulseguard-chromium.log 2>&1 \
        && apt-get install -y -q chromium >>/tmp/pulseguard-chromium.log 2>&1; } \
      || tail -5 /tmp/pulseguard-chromium.log
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "!! chromium NOT available (not root, or apt-get failed): browser tests will be skipped"
    skipped="$skipped browser-tests"
  fi
fi

echo "== ruff"
ruff check . && ruff format --check . || status=1

echo "== mypy (the packages listed in pyproject.toml's [tool.mypy])"
mypy || status=1

echo "== pytest on SQLite"
TEST_DATABASE=sqlite python -m pytest "$@" || status=1

if [[ "$skipped" != *PostgreSQL-pass* ]]; then
  echo "== pytest on PostgreSQL"
  TEST_DATABASE=postgresql python -m pytest -m "not once" "$@" || status=1
fi

if [ -n "$skipped" ]; then
  echo "!! SKIPPED:$skipped (service not available; see the lines above)"
fi
[ $status -eq 0 ] && echo "make test: all passes green" || echo "make test: FAILED"
exit $status
