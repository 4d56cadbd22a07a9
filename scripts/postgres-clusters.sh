#!/usr/bin/env bash
# Starts and stops the PostgreSQL 15 servers the postgres:// tests run against,
# on loopback ports, in a directory of their own. CTest runs it as fixtures
# (tests/postgres_tests.cmake), so `ctest` starts the servers before the tests
# that need them and always stops them afterwards; developers run it the same.
#
#   scripts/postgres-clusters.sh start DIR PORT [STANDBY_PORT]
#       initdb a primary in DIR/primary, listening on 127.0.0.1:PORT; with
#       STANDBY_PORT also a streaming-replication standby (pg_basebackup -R) in
#       DIR/standby on 127.0.0.1:STANDBY_PORT, and synchronous_standby_names
#       set on the primary, so that a commit under synchronous_commit=on waits
#       for the standby. DIR must not exist.
#   scripts/postgres-clusters.sh stop DIR
#       stops every server under DIR (immediately: the data is thrown away)
#       and removes DIR.
#
# User postgres, password `sds-test-password` over TCP (scram-sha-256); the
# sockets are in DIR. initdb and pg_ctl refuse to run as root: as root, the
# servers run as the `postgres` user (runuser), which must own DIR.
# PG_BIN overrides /usr/lib/postgresql/15/bin.
set -euo pipefail
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
password=sds-test-password

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

usage() {
  echo "usage: postgres-clusters.sh start DIR PORT [STANDBY_PORT] | stop DIR" >&2
  exit 2
}

start_server() {  # data directory
  as_postgres "$bin/pg_ctl" -D "$1" -l "$1.log" -w -t 60 start >/dev/null || {
    cat "$1.log" >&2
    exit 1
  }
}

start() {
  local dir=$1 port=$2 standby_port=${3:-}
  if [ -e "$dir" ]; then
    echo "postgres-clusters.sh: '$dir' exists; stop it first (postgres-clusters.sh stop '$dir')" >&2
    exit 1
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  local pwfile="$dir/pwfile"
  echo "$password" | as_postgres tee "$pwfile" >/dev/null
  as_postgres "$bin/initdb" -D "$dir/primary" -U postgres --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >/dev/null
  as_postgres tee -a "$dir/primary/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 32MB
EOF
  if [ -n "$standby_port" ]; then
    echo "synchronous_standby_names = 'standby'" | as_postgres tee -a "$dir/primary/postgresql.conf" >/dev/null
  fi
  start_server "$dir/primary"
  if [ -n "$standby_port" ]; then
    as_postgres env PGPASSWORD="$password" "$bin/pg_basebackup" -D "$dir/standby" -R -X stream \
      -h 127.0.0.1 -p "$port" -U postgres
    echo "port = $standby_port" | as_postgres tee -a "$dir/standby/postgresql.conf" >/dev/null
    # After the primary_conninfo of pg_basebackup -R, in the file that holds it:
    # the standby names itself as synchronous_standby_names expects.
    as_postgres tee -a "$dir/standby/postgresql.auto.conf" >/dev/null <<EOF
primary_conninfo = 'host=127.0.0.1 port=$port user=postgres password=$password application_name=standby'
EOF
    start_server "$dir/standby"
    # Ready once the primary counts the standby as synchronous.
    local tries=0
    until [ "$(as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -Atc \
      "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")" = 1 ]; do
      tries=$((tries + 1))
      if [ "$tries" -gt 300 ]; then
        echo "postgres-clusters.sh: the standby did not become synchronous" >&2
        exit 1
      fi
      sleep 0.1
    done
  fi
}

stop() {
  local dir=$1 data
  [ -d "$dir" ] || return 0
  for data in "$dir/primary" "$dir/standby"; do
    if [ -f "$data/postmaster.pid" ]; then
      as_postgres "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) [ $# -ge 3 ] && [ $# -le 4 ] || usage; start "$2" "$3" "${4:-}" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
