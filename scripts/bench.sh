#!/usr/bin/env bash
# `make bench`: measure the whole system (not a test: it prints figures, it never fails on speed).
# Uses its own database and Redis DB numbers, so it never touches dev or test data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/node/bin:$PATH"  # the Node.js setup.sh installed (see there)
scripts/services-up.sh
scripts/db-passwords.sh >/dev/null  # tests/support/env.py reads the file it keeps
export PYTHONPATH="$PWD/services:$PWD/tests:$PWD"
export TOMTIN_TEST_DB=${TOMTIN_BENCH_DB:-tomtin_bench}
export TOMTIN_TEST_REDIS_QUEUE_DB=${TOMTIN_BENCH_REDIS_QUEUE_DB:-10}
export TOMTIN_TEST_REDIS_CACHE_DB=${TOMTIN_BENCH_REDIS_CACHE_DB:-11}
exec .venv/bin/python -m bench.run ${BENCH:-}
