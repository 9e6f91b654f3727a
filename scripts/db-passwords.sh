#!/usr/bin/env bash
# PostgreSQL passwords for tomtin's roles on this machine, so Debian's default pg_hba.conf
# (scram-sha-256 on 127.0.0.1) lets the services in. Generated once and kept out of the repo, in
# $TOMTIN_PG_SECRETS (default ~/.config/tomtin/postgres.env, mode 0600): one file for all of a
# user's clones, because roles belong to the whole server, not to a checkout. The superuser gets
# its password here (as root, through the local socket as the postgres account); migrations give
# each service role its own from the URLs built with these. Prints the file's path.
#   PGHOST/PGPORT (127.0.0.1/5432) and TOMTIN_PG_SOCKET_DIR (/var/run/postgresql): which server.
set -euo pipefail
home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)} # CI may run without HOME set
secrets=${TOMTIN_PG_SECRETS:-$home/.config/tomtin/postgres.env}
if [ ! -f "$secrets" ]; then
    mkdir -p "$(dirname "$secrets")"
    tmp=$(mktemp "$secrets.XXXXXX") # mode 0600
    {
        echo "# PostgreSQL passwords of tomtin's roles on this machine (scripts/db-passwords.sh). Never commit."
        for name in ADMIN ACCOUNTS INVENTORY PAYMENTS REPORTING; do
            echo "TOMTIN_PG_PASSWORD_$name=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
        done
    } >"$tmp"
    ln "$tmp" "$secrets" 2>/dev/null || true # two first runs at once: the first file wins
    rm -f "$tmp"
fi
# shellcheck disable=SC1090
. "$secrets"
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGPASSWORD=$TOMTIN_PG_PASSWORD_ADMIN
admin_login() { psql -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; }
if ! admin_login && [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- psql -h "${TOMTIN_PG_SOCKET_DIR:-/var/run/postgresql}" -p "$PGPORT" -d postgres \
        -qc "ALTER ROLE postgres PASSWORD '$TOMTIN_PG_PASSWORD_ADMIN'" >/dev/null
fi
if ! admin_login; then
    echo "db-passwords: cannot log in to PostgreSQL at $PGHOST:$PGPORT as postgres with the password" \
        "in $secrets. Run this as root once (it sets that password), or set it yourself:" \
        "ALTER ROLE postgres PASSWORD '<TOMTIN_PG_PASSWORD_ADMIN from that file>'" >&2
    exit 1
fi
echo "$secrets"
