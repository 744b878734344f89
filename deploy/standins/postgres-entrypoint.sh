#!/bin/sh
# What the official image's entrypoint does for this project: initialise an empty data folder with
# superuser `postgres` whose password is POSTGRES_PASSWORD, accept password logins from anywhere,
# then run the server in the foreground as `postgres`.
set -e
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (as the official image requires)}"
chown -R postgres:postgres "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp) && printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile" && chown postgres "$pwfile"
  setpriv --reuid=postgres --regid=postgres --init-groups \
    initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" -c listen_addresses='*' 
