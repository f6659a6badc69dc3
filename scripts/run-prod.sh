#!/usr/bin/env bash
# `make run-prod`: the whole Procfile set locally, the way a PaaS runs it: `release` once (migrate),
# then web + WORKERS workers + exactly one scheduler under honcho, against PostgreSQL and Redis.
# Everything comes from the caller's environment; the defaults below suit this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

export ENVIRONMENT="${ENVIRONMENT:-production}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/pulseguard}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export PORT="${PORT:-5000}"
export HOST="${HOST:-127.0.0.1}"
WORKERS="${WORKERS:-2}"

if [ -z "${SECRET_KEY:-}" ] || [ -z "${JWT_SECRET_KEY:-}" ]; then
  # Local runs only: random secrets kept in instance/ so that tokens survive a restart.
  mkdir -p instance
  secrets=instance/run-prod-secrets.env
  [ -f "$secrets" ] || python -c 'import secrets; print(f"SECRET_KEY={secrets.token_urlsafe(48)}\nJWT_SECRET_KEY={secrets.token_urlsafe(48)}")' > "$secrets"
  set -a; . "$secrets"; set +a
  echo "run-prod: SECRET_KEY/JWT_SECRET_KEY not set; using the local ones in $secrets"
fi

# Create the database when it does not exist yet (local PostgreSQL only; a PaaS provides it).
python - <<'PY'
import os, psycopg
from psycopg import sql
url = os.environ["DATABASE_URL"]
base, name = url.rsplit("/", 1)
try:
    psycopg.connect(url, connect_timeout=3).close()
except psycopg.OperationalError as error:
    if "does not exist" not in str(error):
        raise SystemExit(f"run-prod: PostgreSQL at {base} does not answer: {error}")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"run-prod: created database {name}")
PY

echo "run-prod: release (flask db upgrade)"
flask db upgrade
echo "run-prod: web on http://$HOST:$PORT, $WORKERS worker(s), 1 scheduler (Ctrl-C stops all)"
exec honcho start -c "worker=$WORKERS,scheduler=1" web worker scheduler
