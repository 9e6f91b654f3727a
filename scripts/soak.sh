#!/usr/bin/env bash
# `make soak`: every fault scenario at full size against the real stack (on a PostgreSQL cluster
# and a Redis server of its own, in a temporary folder), then the table of figures.
# `make soak ARGS="--short worker_killed"` runs chosen scenarios, or the short sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PYTHONPATH="$PWD/services:$PWD/tests"
exec .venv/bin/python -m soak.run "$@"
