# Sourced by backup.sh and restore.sh: libpq URLs from the SQLAlchemy URLs the services use.

# pg_url URL [DATABASE]: drop the "+psycopg" driver part; with DATABASE, point at that database.
pg_url() {
    local url="${1/+psycopg/}"
    if [ -n "${2:-}" ]; then
        url="${url%%\?*}"
        url="${url%/*}/$2"
    fi
    printf '%s' "$url"
}

# The database the services use (they share one; each has its own schema).
app_database() {
    local url="${PAYMENTS_DATABASE_URL:?set PAYMENTS_DATABASE_URL (or BACKUP_DATABASE)}"
    url="${url%%\?*}"
    printf '%s' "${url##*/}"
}
