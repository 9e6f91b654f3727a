#!/usr/bin/env bash
# `make run`: install what is missing, start PostgreSQL/Redis, migrate, load demo data,
# then run every process in the foreground under honcho (Ctrl-C stops them all).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/node/bin:$PATH"  # the Node.js setup.sh installed (see there)
scripts/services-up.sh
secrets=$(scripts/db-passwords.sh)
set -a
. "$secrets"
. scripts/dev.env
set +a
export PYTHONPATH="$PWD/services"
export GATEWAY_RUN_DIR="$PWD/.run/gateway"
# The gateway's caches in memory where there is a /dev/shm (gateway/render.py: cache_dir).
if [ -z "${GATEWAY_CACHE_DIR:-}" ] && [ -w /dev/shm ]; then
    export GATEWAY_CACHE_DIR="/dev/shm/tomtin-gateway-$(id -u)"
fi
.venv/bin/python -m common.migrate all
for service in accounts inventory payments; do .venv/bin/python -m "$service.demo"; done
.venv/bin/python gateway/render.py "$GATEWAY_RUN_DIR" >/dev/null
cat <<MSG

  tomtin is starting. Open:  http://127.0.0.1:${GATEWAY_PORT}/

  Demo logins:  owner / owner-pass-2026   (all three businesses)
                staff / staff-pass-2026   (water and laundry)

MSG
exec .venv/bin/honcho start -f Procfile
