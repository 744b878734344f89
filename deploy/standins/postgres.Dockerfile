# Stand-in for postgres:16 (compose-check): Debian bookworm's PostgreSQL 15, with the official
# image's behaviour the compose file relies on (superuser `postgres` with POSTGRES_PASSWORD, data in
# /var/lib/postgresql/data, password logins from the network, pg_isready on the PATH).
FROM ptfc-standin/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
