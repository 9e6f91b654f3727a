# The two commands that matter: `make run` and `make test` (see README.md).
.PHONY: run test setup lint bench clean

run:
	scripts/run.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	.venv/bin/ruff check services tests gateway
	.venv/bin/ruff format --check services tests gateway

bench:
	scripts/bench.sh

clean:
	rm -rf .run pwa/dist
