# The two commands that matter: `make run` and `make test` (see README.md).
.PHONY: run test test-unit setup lint lock bench clean

run:
	scripts/run.sh

test:
	scripts/test.sh

# The fast lane: pure modules (tests marked `unit`) and the PWA's unit tests, no PostgreSQL or Redis.
test-unit:
	scripts/test-unit.sh

setup:
	scripts/setup.sh

lint:
	scripts/lint.sh

# Re-resolve requirements/*.in into the hashed lock files.
lock:
	scripts/lock.sh

bench:
	scripts/bench.sh

clean:
	rm -rf .run pwa/dist
