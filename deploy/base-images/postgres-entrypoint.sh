#!/usr/bin/env bash
# The official postgres image's basics: first start initialises $PGDATA with POSTGRES_USER
# (default postgres) and POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), creates POSTGRES_DB, runs
# /docker-entrypoint-initdb.d/*.sql and *.sh,
# then runs the server as postgres, listening on every address of the container.
set -euo pipefail

if [ "${1:-}" != postgres ]; then exec "$@"; fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  [ -z "${POSTGRES_PASSWORD:-}" ] || { echo "set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE, not both" >&2; exit 1; }
  POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    auth=scram-sha-256
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=$auth --encoding=UTF8 >/dev/null
    rm -f "$pwfile"
  elif [ "${POSTGRES_HOST_AUTH_METHOD:-}" = trust ]; then
    auth=trust
    initdb -D "$PGDATA" --username="$user" --auth=trust --encoding=UTF8 >/dev/null
  else
    echo "POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is required" >&2; exit 1
  fi
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  # The database, then the init scripts (*.sql, *.sh) in name order, on a server only this
  # script reaches (no TCP), as the official image does.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sql) psql -v ON_ERROR_STOP=1 --username="$user" --dbname="$db" -f "$script" >/dev/null ;;
      *.sh) . "$script" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "database initialised"
fi

shift
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
