# The two commands that matter: `make run` and `make test` (see README.md).
.PHONY: run test test-unit setup lint lock bench soak backup restore fresh-check clean

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

# The fault suite at full size, with its table of figures (README.md "Reliability").
soak:
	scripts/soak.sh $(ARGS)

# Backups of the development database (production: the compose `backup` service; README.md "Backups").
# `make restore FILE=...` restores one; the database it replaces is kept under a dated name.
DEV_ENV = set -a && . "$$(scripts/db-passwords.sh)" && . scripts/dev.env && set +a
backup:
	$(DEV_ENV) && BACKUP_DIR=$${BACKUP_DIR:-.run/backups} scripts/backup.sh

restore:
	$(DEV_ENV) && scripts/restore.sh "$(FILE)"

# A clean Debian 12 root (debootstrap), a clone of this repo inside it, `make test` there (root, slow).
fresh-check:
	scripts/fresh-check.sh

clean:
	rm -rf .run pwa/dist
