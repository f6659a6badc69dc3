#!/usr/bin/env bash
# `make test`: lint, then the whole suite on SQLite, then again on PostgreSQL.
# Starts PostgreSQL and Redis when they are installed but stopped; says loudly what it had to skip.
set -u
cd "$(dirname "$0")/.."
status=0
scripts/ensure-services.sh | tee /tmp/pulseguard-services.$$
skipped=""
grep -q "PostgreSQL NOT" /tmp/pulseguard-services.$$ && skipped="$skipped PostgreSQL-pass"
grep -q "Redis NOT" /tmp/pulseguard-services.$$ && skipped="$skipped Redis-tests"
rm -f /tmp/pulseguard-services.$$

echo "== ruff"
ruff check . && ruff format --check . || status=1

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
