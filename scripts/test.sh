#!/usr/bin/env bash
# `make test`: install what is missing, make sure PostgreSQL and Redis answer, run every test.
# Tests use their own database (tomtin_test) and Redis DB numbers, never the dev data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/node/bin:$PATH"  # the Node.js setup.sh installed (see there)
scripts/services-up.sh
scripts/db-passwords.sh >/dev/null  # tests/support/env.py reads the file it keeps
if [ -f pwa/package.json ]; then (cd pwa && npm test --silent); fi
export PYTHONPATH="$PWD/services"
exec .venv/bin/pytest "$@"
