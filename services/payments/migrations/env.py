"""Alembic env for payments (shared logic in common.alembic_env)."""

from common.alembic_env import run
from payments.models import db

run(db.metadata)
