#!/usr/bin/env bash
# One backup: pg_dump (custom format) of the tomtin database into BACKUP_DIR, checked readable,
# then dumps older than BACKUP_KEEP_DAYS deleted. Run nightly (compose's `backup` service, or cron:
# see README.md "Backups"). Needs DATABASE_ADMIN_URL and PAYMENTS_DATABASE_URL (or BACKUP_DATABASE).
set -euo pipefail
. "$(dirname "$0")/pg_url.sh"
dir="${BACKUP_DIR:-/var/backups/tomtin}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
database="${BACKUP_DATABASE:-$(app_database)}"
url="$(pg_url "${DATABASE_ADMIN_URL:?set DATABASE_ADMIN_URL}" "$database")"

umask 077 # dumps hold customers' phone numbers
mkdir -p "$dir"
file="$dir/$database-$(date -u +%Y%m%dT%H%M%SZ).dump"
trap 'rm -f "$file.partial"' EXIT # a failed run leaves no half dump behind
pg_dump --format=custom --file="$file.partial" "$url"
pg_restore --list "$file.partial" >/dev/null # a dump that cannot be read back is no backup
mv "$file.partial" "$file"
find "$dir" -maxdepth 1 -name "$database-*.dump" -mtime +"$keep_days" -delete
echo "backup: $file ($(du -h "$file" | cut -f1))"
