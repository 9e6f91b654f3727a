"""Alembic env for accounts (shared logic in common.alembic_env)."""

from accounts.models import db
from common.alembic_env import run

run(db.metadata)
