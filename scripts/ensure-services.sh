#!/usr/bin/env bash
# Make sure the local PostgreSQL and Redis answer, starting them where they are installed but stopped.
# Prints one line per service; never fails: the test suite reports (loudly) what it had to skip.
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null
  for _ in $(seq 20); do pg_up && break; sleep 0.5; done
fi
if ! redis_up && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 20); do redis_up && break; sleep 0.25; done
fi
pg_up && echo "services: PostgreSQL up on 127.0.0.1:5432" || echo "services: PostgreSQL NOT available"
redis_up && echo "services: Redis up on 127.0.0.1:6379" || echo "services: Redis NOT available"
exit 0
