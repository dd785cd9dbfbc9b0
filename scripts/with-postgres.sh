#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster: a temp directory, a free port,
# 127.0.0.1 only, dropped at the end. DATABASE_URL is set for the command.
# Needs root (Debian's pg_createcluster runs the server as the postgres user).
set -euo pipefail
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cluster="jiuye_$$"
workdir=$(mktemp -d /tmp/jiuye-pg.XXXXXX)
chown postgres: "$workdir"
cleanup() {
  pg_dropcluster --stop 15 "$cluster" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT
pg_createcluster 15 "$cluster" -p "$port" -d "$workdir/data" -s "$workdir" -l "$workdir/log" \
  --start-conf=manual -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
# Loopback only; a throwaway server needs speed, not durability. (Later lines win.)
cat >>"/etc/postgresql/15/$cluster/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = '${JIUYE_PG_SHARED_BUFFERS:-256MB}'
CONF
pg_ctlcluster 15 "$cluster" start
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
runuser -u postgres -- psql -q -h "$workdir" -p "$port" -d postgres \
  -c "CREATE ROLE jiuye LOGIN CREATEDB PASSWORD '$password'" \
  -c "CREATE DATABASE jiuye OWNER jiuye"
export DATABASE_URL="postgres://jiuye:$password@127.0.0.1:$port/jiuye"
"$@"
