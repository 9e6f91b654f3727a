#!/usr/bin/env bash
# Restore a backup: scripts/restore.sh FILE [DATABASE]   (or: make restore FILE=...)
# Restores into DATABASE (default: the services' database) as a fresh database. An existing one
# is kept, renamed DATABASE_before_<UTC time>, so a wrong restore can be undone. Stop the
# services first (their connections to the old database are ended). Needs DATABASE_ADMIN_URL.
set -euo pipefail
. "$(dirname "$0")/pg_url.sh"
file="${1:?usage: scripts/restore.sh FILE [DATABASE]}"
database="${2:-${BACKUP_DATABASE:-$(app_database)}}"
admin="$(pg_url "${DATABASE_ADMIN_URL:?set DATABASE_ADMIN_URL}" postgres)"
psql_admin() { psql --no-psqlrc --quiet --tuples-only --set ON_ERROR_STOP=1 "$admin" "$@"; }

pg_restore --list "$file" >/dev/null
# The service roles own their schemas: create any this server lacks (a new machine). The
# migrate step (python -m common.migrate all) gives them their passwords afterwards.
for role in $(pg_restore --list "$file" | awk '$4 == "SCHEMA" && $7 ~ /^tomtin_/ {print $7}' | sort -u); do
    psql_admin -c "DO \$\$ BEGIN CREATE ROLE \"$role\" LOGIN; EXCEPTION WHEN duplicate_object THEN END \$\$"
done
if [ -n "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
    kept="${database}_before_$(date -u +%Y%m%d%H%M%S)"
    psql_admin -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$database'" >/dev/null
    psql_admin -c "ALTER DATABASE \"$database\" RENAME TO \"$kept\""
    echo "restore: the existing database is kept as $kept"
fi
psql_admin -c "CREATE DATABASE \"$database\""
pg_restore --exit-on-error --single-transaction --dbname="$(pg_url "$admin" "$database")" "$file"
# Per-database role settings are not in a dump: each role finds its own schema first again.
for schema in $(pg_restore --list "$file" | awk '$4 == "SCHEMA" && $7 ~ /^tomtin_/ {print $6 ":" $7}'); do
    psql_admin -c "ALTER ROLE \"${schema#*:}\" IN DATABASE \"$database\" SET search_path = \"${schema%%:*}\""
done
echo "restore: $file -> $database"
