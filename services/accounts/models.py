"""accounts tables."""

from __future__ import annotations

import sqlalchemy as sa

from common.audit import audit_table
from common.db import created_at_column, make_db, updated_at_column

db = make_db("accounts")
audit_log = audit_table(db.metadata)

user_businesses = sa.Table(
    "user_businesses",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("business_code", sa.ForeignKey("businesses.code"), primary_key=True),
)


class Business(db.Model):
    __tablename__ = "businesses"
    __table_args__ = (sa.CheckConstraint("kind IN ('water', 'laundry', 'shop')", name="kind"),)

    code = sa.Column(sa.String(16), primary_key=True)
    name = sa.Column(sa.String(80), nullable=False)
    kind = sa.Column(sa.String(16), nullable=False)
    archived = sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    created_at = created_at_column()
    updated_at = updated_at_column()


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
    phone = sa.Column(sa.String(12))
    # Tokens carry this number; raising it ends every session the user has (see common.auth).
    session_version = sa.Column(sa.Integer, nullable=False, server_default="0")
    pin_hash = sa.Column(sa.String(255))
    # After the owner sets a one-time code (new staff, password reset) the password is that code
    # until the user chooses their own; the code stops working at `code_expires_at`.
    must_change_password = sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    code_expires_at = sa.Column(sa.DateTime(timezone=True))
    created_at = created_at_column()
    updated_at = updated_at_column()
    businesses = db.relationship(Business, secondary=user_businesses, order_by=Business.code)
