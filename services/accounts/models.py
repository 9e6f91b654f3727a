"""accounts tables."""

from __future__ import annotations

import sqlalchemy as sa

from common.db import created_at_column, make_db, updated_at_column

db = make_db("accounts")

user_businesses = sa.Table(
    "user_businesses",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("business_code", sa.ForeignKey("businesses.code"), primary_key=True),
)


class Business(db.Model):
    __tablename__ = "businesses"

    code = sa.Column(sa.String(16), primary_key=True)
    name = sa.Column(sa.String(80), nullable=False)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('owner', 'staff')", name="role"),
        sa.CheckConstraint("language IN ('en', 'sw')", name="language"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    display_name = sa.Column(sa.String(80), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    role = sa.Column(sa.String(16), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    # The language the app is shown in: "en" or "sw" (LANGUAGES in services.py).
    language = sa.Column(sa.String(2), nullable=False, server_default="en")
    created_at = created_at_column()
    updated_at = updated_at_column()
    businesses = db.relationship(Business, secondary=user_businesses, order_by=Business.code)
