# The two commands that matter: `make run` and `make test` (see README.md).
.PHONY: run test setup lint lock bench clean

run:
	scripts/run.sh

test:
	scripts/test.sh

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
