"""Alembic env for inventory (shared logic in common.alembic_env)."""

from common.alembic_env import run
from inventory.models import db

run(db.metadata)
