"""Alembic env for reporting (shared logic in common.alembic_env)."""

from common.alembic_env import run
from reporting.models import db

run(db.metadata)
