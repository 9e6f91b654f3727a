"""payments tables."""

from __future__ import annotations

import secrets
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from common.audit import audit_table
from common.db import created_at_column, make_db, updated_at_column
from common.delta import claim_xid, stamp

db = make_db("payments")
audit_log = audit_table(db.metadata)

# "account": a sale on credit (deni) to a known customer, paid later (services/credit.py).
METHODS = ("cash", "mpesa", "account")
PAID_FROM = ("till", "mpesa")
SALE_STATUSES = ("pending", "paid", "failed", "cancelled", "voided")
# How money goes back: cash from the till, or through Daraja (reversal of the sale's receipt, or
# B2C to the customer's phone), which stay pending until Daraja's result.
# "account" takes a refund of a sale on account off the customer's debt: no money moves.
REFUND_CHANNELS = ("cash", "reversal", "b2c", "account")
DARAJA_CHANNELS = ("reversal", "b2c")
REFUND_STATUSES = ("pending", "paid", "failed", "needs_review")
ORDER_STATUSES = ("received", "washing", "drying", "ready", "collected")
PAYMENT_STATUSES = ("pending", "paid", "failed", "needs_review", "unmatched")
# A receipt link's token: 16 random bytes (128 bits), URL-safe, 22 characters.
RECEIPT_TOKEN_BYTES = 16
# The receipt is looked up by the token's digest (uq_sales_receipt_digest): the index compares
# digests, so how long a lookup takes says nothing about how close a guess came to a token.
# (The token's alphabet has no backslash, so ::bytea is its ASCII bytes; the cast is immutable.)
RECEIPT_DIGEST = "sha256(receipt_token::bytea)"


def new_receipt_token() -> str:
    """An unguessable token for a sale's public receipt link (not derived from the sale)."""
    return secrets.token_urlsafe(RECEIPT_TOKEN_BYTES)


CUSTOMER_LANGUAGES = ("en", "sw")


class Customer(db.Model):
    """A person who buys: a normalised phone and a name, shared by all the owner's businesses.

    One person buys water, brings laundry and takes from the shop: one record, one debt, one limit
    the owner trusts them with (see README, Customers and credit).
    """

    __tablename__ = "customers"
    __table_args__ = (
        sa.CheckConstraint("credit_limit >= 0", name="credit_limit_not_negative"),
        sa.CheckConstraint("language IN ('en', 'sw')", name="language"),
        sa.Index("ix_customers_phone_prefix", sa.text("phone varchar_pattern_ops")),
        sa.Index("ix_customers_phone_suffix", sa.text("reverse(phone) text_pattern_ops")),
        sa.Index("ix_customers_name_words", sa.text("to_tsvector('simple', name)"), postgresql_using="gin"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    phone = sa.Column(sa.String(12), nullable=False, unique=True)
    name = sa.Column(sa.String(80), nullable=False)
    credit_limit = sa.Column(sa.Numeric(12, 2), nullable=False, server_default="0")
    # The language of what they are sent (receipts, reminders): "en" or "sw".
    language = sa.Column(sa.String(2), nullable=False, server_default="en")
    created_by = sa.Column(sa.BigInteger)
    created_at = created_at_column()
    updated_at = updated_at_column()

    @property
    def number(self) -> str:
        """The customer number a till/paybill payment may name as its account (C12)."""
        return f"C{self.id}"


class Sale(db.Model):
    __tablename__ = "sales"
    __table_args__ = (
        sa.CheckConstraint("method IN ('cash', 'mpesa', 'account')", name="method"),
        sa.CheckConstraint("method <> 'account' OR customer_id IS NOT NULL", name="account_has_customer"),
        sa.CheckConstraint("status IN ('pending', 'paid', 'failed', 'cancelled', 'voided')", name="status"),
        sa.CheckConstraint("total >= 0", name="total_not_negative"),
        sa.Index("ix_sales_business_created", "business", "created_at"),
        sa.Index("ix_sales_business_updated", "business", "updated_at"),
        sa.Index("uq_sales_receipt_digest", sa.text(RECEIPT_DIGEST), unique=True),
        sa.Index(
            "uq_sales_business_ticket",
            "business",
            "ticket",
            unique=True,
            postgresql_where=sa.text("ticket IS NOT NULL"),
        ),
        sa.Index("ix_sales_business_created_by", "business", "created_by"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    idempotency_key = sa.Column(sa.Uuid, nullable=False, unique=True)
    # sha256 of the canonical request, so a replay with a different body is refused.
    request_hash = sa.Column(sa.String(64))
    # The body first answered, returned verbatim on a replay of the same key.
    response_body = sa.Column(JSONB)
    business = sa.Column(sa.String(16), nullable=False)
    method = sa.Column(sa.String(8), nullable=False)
    status = sa.Column(sa.String(16), nullable=False)
    order_status = sa.Column(sa.String(16))
    total = sa.Column(sa.Numeric(12, 2), nullable=False)
    customer_phone = sa.Column(sa.String(12))
    customer_id = sa.Column(sa.ForeignKey("customers.id"), index=True)
    created_by = sa.Column(sa.BigInteger)
    # The phone it was recorded on (the PWA's own id for the device), for the sale's detail.
    device = sa.Column(sa.String(40))
    # The seller's shift: its cash sales make the shift's expected cash (see services/shifts.py).
    shift_id = sa.Column(sa.ForeignKey("shifts.id"), index=True)
    created_at = created_at_column()
    # The database clock, after the transaction claimed its id: a safe delta cursor (common.delta).
    updated_at = sa.Column(sa.DateTime(timezone=True), nullable=False, default=stamp(), onupdate=stamp())
    paid_at = sa.Column(sa.DateTime(timezone=True))
    voided_at = sa.Column(sa.DateTime(timezone=True))
    voided_by = sa.Column(sa.BigInteger)
    void_reason = sa.Column(sa.String(200))
    # The public receipt link's secret (services/receipts.py); every sale has one.
    receipt_token = sa.Column(sa.String(43), nullable=False, default=new_receipt_token)
    # Laundry orders (services/laundry.py): the ticket number the customer is given (per business),
    # what they brought, when it was promised ready, and why the owner cancelled it.
    ticket = sa.Column(sa.Integer)
    items = sa.Column(sa.String(200))
    promised_at = sa.Column(sa.DateTime(timezone=True))
    cancel_reason = sa.Column(sa.String(200))
    # Whose it is, by name on the laundry board and the sale screens (lists load it with_details).
    customer = db.relationship("Customer")
    lines = db.relationship(
        "SaleLine", back_populates="sale", order_by="SaleLine.id", cascade="all, delete-orphan"
    )
    payments = db.relationship("MpesaPayment", back_populates="sale", order_by="MpesaPayment.id")
    refunds = db.relationship("Refund", back_populates="sale", order_by="Refund.id")

    @property
    def refunded(self) -> Decimal:
        """Money paid back so far (refunds still waiting for M-Pesa count: they may yet be paid)."""
        return sum((r.amount for r in self.refunds if r.status != "failed"), Decimal("0.00"))

    @property
    def reference(self) -> str:
        """The account reference a customer types at the till and an STK push carries (≤ 12 chars)."""
        return f"TT{self.id}"

    @property
    def latest_payment(self) -> MpesaPayment | None:
        return self.payments[-1] if self.payments else None


class TicketCounter(db.Model):
    """The last ticket number given in a business: one row, bumped under its row lock per order."""

    __tablename__ = "ticket_counters"

    business = sa.Column(sa.String(16), primary_key=True)
    last = sa.Column(sa.Integer, nullable=False)


class SaleLine(db.Model):
    __tablename__ = "sale_lines"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    sale_id = sa.Column(sa.ForeignKey("sales.id", ondelete="CASCADE"), nullable=False, index=True)
    product_id = sa.Column(sa.BigInteger, nullable=False)
    name = sa.Column(sa.String(120), nullable=False)
    quantity = sa.Column(sa.Numeric(12, 3), nullable=False)
    unit_price = sa.Column(sa.Numeric(12, 2), nullable=False)
    line_total = sa.Column(sa.Numeric(12, 2), nullable=False)
    # The cost in force when sold (inventory's v_products.cost); NULL when none was set.
    unit_cost = sa.Column(sa.Numeric(12, 2))
    line_cost = sa.Column(sa.Numeric(12, 2))
    sale = db.relationship(Sale, back_populates="lines")
    refund_lines = db.relationship("RefundLine", back_populates="sale_line")

    def _refunded(self) -> list[RefundLine]:
        return [r for r in self.refund_lines if r.refund.status != "failed"]

    @property
    def refunded_quantity(self) -> Decimal:
        return sum((r.quantity for r in self._refunded()), Decimal("0.000"))

    @property
    def refunded_amount(self) -> Decimal:
        return sum((r.amount for r in self._refunded()), Decimal("0.00"))

    @property
    def refunded_cost(self) -> Decimal:
        return sum((r.cost for r in self._refunded() if r.cost is not None), Decimal("0.00"))


class ExpenseCategory(db.Model):
    """What money went out for (rent, transport, ...): a list the owner keeps."""

    __tablename__ = "expense_categories"
    __table_args__ = (sa.Index("uq_expense_categories_name", sa.text("lower(name)"), unique=True),)

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    name = sa.Column(sa.String(60), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    created_at = created_at_column()


class Shift(db.Model):
    """One person's turn at one business's till: a float in, a cash count out.

    Only the close's own facts are stored (count, expected then, outbox count then); the
    figures are always recomputed from sales and expense rows, so sales that arrive after the
    close (from a phone's offline outbox) correct it.
    """

    __tablename__ = "shifts"
    __table_args__ = (
        sa.CheckConstraint("float >= 0", name="float_not_negative"),
        sa.CheckConstraint("counted >= 0", name="counted_not_negative"),
        sa.CheckConstraint("(closed_at IS NULL) = (counted IS NULL)", name="closed_counted"),
        # One open shift per person per business: opening a second is a 409.
        sa.Index(
            "uq_shifts_open",
            "business",
            "opened_by",
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
        sa.Index("ix_shifts_business_opened", "business", "opened_at"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    business = sa.Column(sa.String(16), nullable=False)
    opened_by = sa.Column(sa.BigInteger, nullable=False)
    opened_by_name = sa.Column(sa.String(64), nullable=False)
    float = sa.Column(sa.Numeric(12, 2), nullable=False)
    opened_at = created_at_column()
    closed_at = sa.Column(sa.DateTime(timezone=True))
    closed_by = sa.Column(sa.BigInteger)
    counted = sa.Column(sa.Numeric(12, 2))
    expected_at_close = sa.Column(sa.Numeric(12, 2))
    pending_at_close = sa.Column(sa.Integer)
    note = sa.Column(sa.String(200))


class Expense(db.Model):
    """Money out: an expense paid by M-Pesa, or a pay-out from the till (lowers expected cash)."""

    __tablename__ = "expenses"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("paid_from IN ('till', 'mpesa')", name="paid_from"),
        sa.Index("ix_expenses_business_created", "business", "created_at"),
        sa.Index("ix_expenses_shift", "shift_id"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    idempotency_key = sa.Column(sa.Uuid, nullable=False, unique=True)
    business = sa.Column(sa.String(16), nullable=False)
    category_id = sa.Column(sa.ForeignKey("expense_categories.id"), nullable=False)
    amount = sa.Column(sa.Numeric(12, 2), nullable=False)
    paid_from = sa.Column(sa.String(8), nullable=False)
    note = sa.Column(sa.String(200))
    shift_id = sa.Column(sa.ForeignKey("shifts.id"))
    created_by = sa.Column(sa.BigInteger)
    created_by_name = sa.Column(sa.String(64))
    created_at = created_at_column()
    category = db.relationship(ExpenseCategory, lazy="joined")


class MpesaPayment(db.Model):
    """An STK push (keyed by CheckoutRequestID) or a C2B confirmation (keyed by TransID)."""

    __tablename__ = "mpesa_payments"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('stk', 'c2b')", name="kind"),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'failed', 'needs_review', 'unmatched')", name="status"
        ),
        # One active push per sale: a second concurrent push cannot be stored.
        sa.Index(
            "uq_mpesa_payments_active_push",
            "sale_id",
            unique=True,
            postgresql_where=sa.text("kind = 'stk' AND status = 'pending'"),
        ),
        sa.Index(
            "uq_mpesa_payments_active_debt_push",
            "customer_id",
            unique=True,
            postgresql_where=sa.text("kind = 'stk' AND status = 'pending' AND customer_id IS NOT NULL"),
        ),
        sa.Index(
            "ix_mpesa_payments_pending_due", "next_query_at", postgresql_where=sa.text("status = 'pending'")
        ),
        # Reporting reads a business's payments by day through the published view.
        sa.Index("ix_mpesa_payments_business_created", "business", "created_at"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    sale_id = sa.Column(sa.ForeignKey("sales.id"), index=True)
    business = sa.Column(sa.String(16))
    kind = sa.Column(sa.String(8), nullable=False)
    status = sa.Column(sa.String(16), nullable=False)
    amount = sa.Column(sa.Numeric(12, 2), nullable=False)
    phone = sa.Column(sa.String(64))
    checkout_request_id = sa.Column(sa.String(64), unique=True)
    merchant_request_id = sa.Column(sa.String(64))
    receipt = sa.Column(sa.String(32), unique=True)
    account_reference = sa.Column(sa.String(32))
    result_code = sa.Column(sa.Integer)
    result_desc = sa.Column(sa.String(255))
    query_attempts = sa.Column(sa.Integer, nullable=False, server_default="0")
    next_query_at = sa.Column(sa.DateTime(timezone=True))
    review_reason = sa.Column(sa.String(255))
    # A payment of a customer's debt (an STK push for the balance, a C2B naming the customer).
    customer_id = sa.Column(sa.ForeignKey("customers.id"))
    resolved_at = sa.Column(sa.DateTime(timezone=True))
    resolved_by = sa.Column(sa.BigInteger)
    resolution_note = sa.Column(sa.String(255))
    raw = sa.Column(sa.Text)
    created_at = created_at_column()
    updated_at = updated_at_column()
    paid_at = sa.Column(sa.DateTime(timezone=True))
    sale = db.relationship(Sale, back_populates="payments")


class DebtPayment(db.Model):
    """Money paid on a customer's debt: cash at a till, or an M-Pesa payment (STK or C2B) once paid.

    It is not tied to one sale: a customer's payments settle their oldest debts first, computed
    from the rows (services/credit.py), so voids and refunds never leave an allocation stale.
    """

    __tablename__ = "debt_payments"
    __table_args__ = (
        sa.CheckConstraint("method IN ('cash', 'mpesa')", name="method"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.Index("ix_debt_payments_customer_created", "customer_id", "created_at"),
        sa.Index("ix_debt_payments_shift", "shift_id"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    idempotency_key = sa.Column(sa.Uuid, unique=True)
    request_hash = sa.Column(sa.String(64))
    response_body = sa.Column(JSONB)
    customer_id = sa.Column(sa.ForeignKey("customers.id"), nullable=False)
    business = sa.Column(sa.String(16))
    method = sa.Column(sa.String(8), nullable=False)
    amount = sa.Column(sa.Numeric(12, 2), nullable=False)
    mpesa_payment_id = sa.Column(sa.ForeignKey("mpesa_payments.id"), unique=True)
    # Cash taken at a till joins the taker's shift: it is in the drawer (services/shifts.py).
    shift_id = sa.Column(sa.ForeignKey("shifts.id"))
    created_by = sa.Column(sa.BigInteger)
    created_at = created_at_column()
    mpesa_payment = db.relationship("MpesaPayment")


class VoidWindow(db.Model):
    """How long after a sale its own seller may still void it, per business (the owner sets it)."""

    __tablename__ = "void_windows"
    __table_args__ = (sa.CheckConstraint("minutes BETWEEN 0 AND 1440", name="minutes_range"),)

    business = sa.Column(sa.String(16), primary_key=True)
    minutes = sa.Column(sa.Integer, nullable=False)
    updated_by = sa.Column(sa.BigInteger)
    updated_at = updated_at_column()


class Refund(db.Model):
    """Money paid back on a paid sale, with the goods (lines) handed back."""

    __tablename__ = "refunds"
    __table_args__ = (
        sa.CheckConstraint("channel IN ('cash', 'reversal', 'b2c', 'account')", name="channel"),
        sa.CheckConstraint("status IN ('pending', 'paid', 'failed', 'needs_review')", name="status"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.Index("ix_refunds_business_created", "business", "created_at"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    idempotency_key = sa.Column(sa.Uuid, nullable=False, unique=True)
    request_hash = sa.Column(sa.String(64), nullable=False)
    response_body = sa.Column(JSONB)
    sale_id = sa.Column(sa.ForeignKey("sales.id"), nullable=False, index=True)
    business = sa.Column(sa.String(16), nullable=False)
    channel = sa.Column(sa.String(16), nullable=False)
    status = sa.Column(sa.String(16), nullable=False)
    amount = sa.Column(sa.Numeric(12, 2), nullable=False)
    reason = sa.Column(sa.String(200), nullable=False)
    created_by = sa.Column(sa.BigInteger)
    created_at = created_at_column()
    updated_at = updated_at_column()
    paid_at = sa.Column(sa.DateTime(timezone=True))
    # Daraja refunds: who is paid (B2C), what is reversed, Daraja's ids and result, the status sweep.
    phone = sa.Column(sa.String(12))
    original_receipt = sa.Column(sa.String(32))
    # The key Daraja's results and the status query's answers carry back to us.
    originator_conversation_id = sa.Column(sa.String(64), unique=True)
    conversation_id = sa.Column(sa.String(64))
    receipt = sa.Column(sa.String(32))
    result_code = sa.Column(sa.String(16))
    result_desc = sa.Column(sa.String(255))
    query_attempts = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    next_query_at = sa.Column(sa.DateTime(timezone=True))
    sale = db.relationship(Sale, back_populates="refunds")
    lines = db.relationship("RefundLine", back_populates="refund", order_by="RefundLine.id")


class RefundLine(db.Model):
    """A quantity of one sale line handed back; damaged goods are written off, not restocked."""

    __tablename__ = "refund_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    refund_id = sa.Column(sa.ForeignKey("refunds.id"), nullable=False, index=True)
    sale_line_id = sa.Column(sa.ForeignKey("sale_lines.id"), nullable=False, index=True)
    product_id = sa.Column(sa.BigInteger, nullable=False)
    quantity = sa.Column(sa.Numeric(12, 3), nullable=False)
    amount = sa.Column(sa.Numeric(12, 2), nullable=False)
    damaged = sa.Column(sa.Boolean, nullable=False)
    # What these goods cost when sold (payments 0012): reporting takes it out of the cost of goods
    # sold when they go back on the shelf. NULL when the line was sold without a cost price.
    cost = sa.Column(sa.Numeric(12, 2))
    refund = db.relationship(Refund, back_populates="lines")
    sale_line = db.relationship(SaleLine, back_populates="refund_lines")


class RefundResult(db.Model):
    """A raw Daraja result for a refund (its result, queue timeout or status answer); a job applies it."""

    __tablename__ = "refund_results"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('result', 'timeout', 'status')", name="kind"),
        sa.Index(
            "ix_refund_results_unapplied", "received_at", postgresql_where=sa.text("applied_at IS NULL")
        ),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    kind = sa.Column(sa.String(8), nullable=False)
    originator_conversation_id = sa.Column(sa.String(64), nullable=False)
    raw = sa.Column(sa.Text, nullable=False)
    source_ip = sa.Column(sa.String(64))
    received_at = created_at_column()
    applied_at = sa.Column(sa.DateTime(timezone=True))
    outcome = sa.Column(sa.String(64))


class MpesaCallback(db.Model):
    """A raw STK callback as received; applying it is a job, and the row says whether it ran."""

    __tablename__ = "mpesa_callbacks"
    __table_args__ = (
        sa.Index(
            "ix_mpesa_callbacks_unapplied", "received_at", postgresql_where=sa.text("applied_at IS NULL")
        ),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    checkout_request_id = sa.Column(sa.String(64), nullable=False, index=True)
    raw = sa.Column(sa.Text, nullable=False)
    source_ip = sa.Column(sa.String(64))
    received_at = created_at_column()
    applied_at = sa.Column(sa.DateTime(timezone=True))
    outcome = sa.Column(sa.String(64))


class OutboxEvent(db.Model):
    """An event (a contract from `contracts`) written in the same transaction as the change it announces.

    Delivered only when `acked_at` is set: every consumer applied it (services/CONTRACTS.md).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_unsent", "id", postgresql_where=sa.text("sent_at IS NULL")),
        sa.Index("ix_outbox_unacked", "sent_at", postgresql_where=sa.text("acked_at IS NULL")),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    event = sa.Column(sa.String(64), nullable=False)
    version = sa.Column(sa.SmallInteger, nullable=False)
    payload = sa.Column(JSONB, nullable=False)
    created_at = created_at_column()
    sent_at = sa.Column(sa.DateTime(timezone=True))
    acked_at = sa.Column(sa.DateTime(timezone=True))
    # Sends tried, refused ones included (a Redis outage) and re-sends of unacknowledged rows.
    attempts = sa.Column(sa.Integer, nullable=False, server_default="0")
    # The dispatcher job of the batch it was last sent in (NULL: a job of its own, `outbox-<id>`).
    job_id = sa.Column(sa.String(64))


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _claim_before_sale_writes(session: sa.orm.Session, *_: object) -> None:
    """A flush that writes a sale claims its transaction id first (see common.delta)."""
    if any(isinstance(obj, Sale) for obj in (*session.new, *session.dirty)):
        claim_xid(session)


def touch_sale(sale_id: int | None) -> None:
    """Mark a sale changed when only its payment changed (the sale's JSON nests the payment)."""
    if sale_id is not None:
        claim_xid(db.session)
        db.session.execute(
            sa.update(Sale).where(Sale.id == sale_id).values(updated_at=stamp()),
            execution_options={"synchronize_session": "fetch"},
        )
