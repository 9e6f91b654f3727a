"""payments HTTP API for customers and credit: find, add, see one with what they owe and their
statement; take payments on debts (cash, M-Pesa prompt); the owner sets limits and sees all debts.

Customers are shared by all the owner's businesses, so any signed-in person may find and add
them (the till needs it), whatever business they work at.
"""

from flask import jsonify

from common.auth import check_business, current_principal, login_required
from common.http import encode, pollable
from common.openapi import IDEMPOTENCY_KEY, Blueprint

from ..customer_schemas import (
    CreditLimitSchema,
    CustomerArgsSchema,
    CustomerDetailSchema,
    CustomerListSchema,
    CustomerSchema,
    CustomerUpdateSchema,
    DebtPaymentSchema,
    DebtPushSchema,
    NewCustomerSchema,
    NewDebtPaymentSchema,
    OwedSchema,
    StatementSchema,
)
from ..messages_schemas import MessageSchema
from ..schemas import PaymentSchema
from ..services import credit, customers, debt_payments, statement, stk
from .shared import idempotency_key, json_doc

bp = Blueprint("customers", __name__, url_prefix="/api/payments", description="Customers and credit")


def _with_balances(found: list) -> list[dict]:
    owed = credit.balances(c.id for c in found)
    return CustomerSchema().dump([_row(c, owed[c.id]) for c in found], many=True)


def _row(customer, balance) -> dict:
    fields = ("id", "number", "phone", "name", "credit_limit", "language", "created_at")
    return {**{name: getattr(customer, name) for name in fields}, "balance": balance}


def _detail(customer) -> dict:
    found = credit.summary(customer)
    return {**_row(customer, found["balance"]), **found}


@bp.get("/customers")
@login_required()
@bp.arguments(CustomerArgsSchema, location="query", as_kwargs=True)
@bp.doc(responses=json_doc(CustomerListSchema, "Customers with what each owes"))
def list_customers(q: str):
    """Customers matching `q` (a few digits, C<number> or first letters of names); all of them by name
    without `q` (pollable)."""
    found = customers.search(q) if q.strip() else customers.recent()
    return pollable(*encode({"items": _with_balances(found)}), audience="user")


@bp.post("/customers")
@login_required()
@bp.arguments(NewCustomerSchema)
@bp.doc(responses={201: {"description": "The new customer (200: the phone's existing customer)"}})
def create_customer(body: dict):
    """Add a customer by phone and name (the owner may give their credit limit); a phone already known
    answers its customer (200), unchanged."""
    customer, created = customers.create(
        body["phone"], body["name"], current_principal(), body["credit_limit"]
    )
    body = CustomerSchema().dump(_row(customer, credit.balance(customer.id)))
    return jsonify(body), 201 if created else 200


@bp.get("/customers/<id:customer_id>")
@login_required()
@bp.doc(responses=json_doc(CustomerDetailSchema, "A customer with balance, ageing and open debts"))
def get_customer(customer_id: int):
    """One customer: balance, what may still go on account, ageing and open debts (pollable)."""
    return pollable(
        *encode(CustomerDetailSchema().dump(_detail(customers.get(customer_id)))), audience="user"
    )


@bp.patch("/customers/<id:customer_id>")
@login_required()
@bp.arguments(CustomerUpdateSchema)
@bp.response(200, CustomerDetailSchema)
def update_customer(body: dict, customer_id: int):
    """Correct a customer's name, or the language of what they are sent."""
    return _detail(customers.update(customer_id, body))


@bp.put("/customers/<id:customer_id>/credit-limit")
@login_required("owner")
@bp.arguments(CreditLimitSchema)
@bp.response(200, CustomerDetailSchema)
def set_credit_limit(body: dict, customer_id: int):
    """The owner sets how much this customer may owe (0: nothing on account)."""
    return _detail(customers.set_limit(customer_id, body["credit_limit"], current_principal()))


@bp.get("/customers/<id:customer_id>/statement")
@login_required()
@bp.doc(responses=json_doc(StatementSchema, "Every sale, void, refund and payment with the running balance"))
def customer_statement(customer_id: int):
    """A customer's statement: sales (all of them; those on account raise the balance), voids,
    refunds off the account and payments, oldest first, with the running balance (pollable)."""
    customer = customers.get(customer_id)
    body = {"customer": _row(customer, credit.balance(customer_id)), "entries": statement.statement(customer)}
    return pollable(*encode(StatementSchema().dump(body)), audience="user")


@bp.post("/businesses/<business>/customers/<id:customer_id>/payments")
@login_required()
@bp.arguments(NewDebtPaymentSchema)
@bp.doc(
    parameters=[IDEMPOTENCY_KEY],
    responses={201: {"description": "The payment (the first answer again on a replay)"}},
)
def pay_cash(body: dict, business: str, customer_id: int):
    """Cash paid on a customer's debt at this business's till, once per Idempotency-Key; never more
    than is owed (409). It settles the oldest debts first and counts in the taker's shift."""
    principal = current_principal()
    check_business(principal, business)
    answer = debt_payments.pay_cash(customer_id, business, body["amount"], idempotency_key(), principal)
    return jsonify(DebtPaymentSchema().dump(answer)), 201


@bp.post("/businesses/<business>/customers/<id:customer_id>/stk-push")
@login_required()
@bp.arguments(DebtPushSchema)
@bp.response(201, PaymentSchema)
def debt_push(body: dict, business: str, customer_id: int):
    """Prompt the customer's phone to pay their balance (or `amount` of it) by M-Pesa; one at a time."""
    check_business(current_principal(), business)
    return stk.start_debt_push(customer_id, business, body["phone"], body["amount"])


@bp.post("/customers/<id:customer_id>/reminder")
@login_required("owner")
@bp.doc(parameters=[IDEMPOTENCY_KEY], responses={201: {"description": "The text message, queued"}})
def send_reminder(customer_id: int):
    """Text the customer a reminder of what they owe, in their language, once per Idempotency-Key
    (owner); 409 when they owe nothing. Its delivery shows on the Messages screen."""
    message = debt_payments.remind(customer_id, idempotency_key(), current_principal())
    return jsonify(MessageSchema().dump(message)), 201


@bp.get("/debts")
@login_required("owner")
@bp.doc(responses=json_doc(OwedSchema, "What customers owe, its ageing, who owes most"))
def owed():
    """What all customers owe the owner, by age (0-7, 8-30, over 30 Nairobi days), biggest first (owner)."""
    return pollable(*encode(OwedSchema().dump(statement.owed())), audience="user")
