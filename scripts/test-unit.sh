#!/usr/bin/env bash
# `make test-unit`: the fast lane. Tests of pure modules (marked `unit`) and the PWA's unit
# tests, in seconds, with no PostgreSQL or Redis: the test settings point both at a closed
# port, so a test that touched either would fail here instead of passing by luck.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tools
export PATH="$PWD/.venv/node/bin:$PATH"  # the Node.js setup.sh installed (see there)
if [ -f pwa/package.json ]; then (cd pwa && npm test --silent); fi
export PYTHONPATH="$PWD/services" TOMTIN_TEST_PG=127.0.0.1:9 TOMTIN_TEST_REDIS=127.0.0.1:9
exec .venv/bin/pytest -m unit -q "$@"
