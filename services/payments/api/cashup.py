"""payments HTTP API for money out and closing the day: expense categories, expenses, shifts.

Who may do what: anyone signed in reads the categories; the owner manages them and lists
expenses; staff and owner record expenses and run their own shifts in their businesses; the
owner sees and may close every shift, staff only their own.
"""

from flask import jsonify

from common.auth import check_business, current_principal, login_required
from common.http import encode, pollable
from common.openapi import Blueprint

from ..cashup_schemas import (
    CategoryCreateSchema,
    CategoryListSchema,
    CategorySchema,
    CategoryUpdateSchema,
    CurrentShiftSchema,
    ExpenseCreateSchema,
    ExpenseListArgsSchema,
    ExpenseListSchema,
    ExpenseSchema,
    ShiftCloseSchema,
    ShiftListArgsSchema,
    ShiftListSchema,
    ShiftOpenSchema,
    ShiftSchema,
)
from ..services import expenses, shifts
from .shared import idempotency_key, json_doc

bp = Blueprint("cashup", __name__, url_prefix="/api/payments", description="Money out and shifts")


@bp.get("/expense-categories")
@login_required()
@bp.doc(responses=json_doc(CategoryListSchema, "Expense categories"))
def list_categories():
    """Expense categories, active ones first (pollable)."""
    items = CategorySchema().dump(expenses.list_categories(), many=True)
    return pollable(*encode({"items": items}), audience="user")


@bp.post("/expense-categories")
@login_required("owner")
@bp.arguments(CategoryCreateSchema)
@bp.response(201, CategorySchema)
def create_category(body: dict):
    """Add an expense category (owner)."""
    return expenses.create_category(body["name"])


@bp.patch("/expense-categories/<id:category_id>")
@login_required("owner")
@bp.arguments(CategoryUpdateSchema)
@bp.response(200, CategorySchema)
def update_category(body: dict, category_id: int):
    """Rename or archive an expense category (owner)."""
    return expenses.update_category(category_id, body)


@bp.post("/businesses/<business>/expenses")
@login_required()
@bp.arguments(ExpenseCreateSchema)
@bp.doc(responses={201: {"description": "The expense (200 with the first one on a replayed key)"}})
def record_expense(body: dict, business: str):
    """Record an expense or a pay-out from the till, once per Idempotency-Key."""
    principal = current_principal()
    check_business(principal, business)
    expense, created = expenses.record_expense(business, idempotency_key(), body, principal)
    return jsonify(ExpenseSchema().dump(expense)), 201 if created else 200


@bp.get("/businesses/<business>/expenses")
@login_required("owner")
@bp.arguments(ExpenseListArgsSchema, location="query")
@bp.doc(responses=json_doc(ExpenseListSchema, "Expenses"))
def list_expenses(args: dict, business: str):
    """Expenses over Nairobi days `from`..`to` (default today), newest first, with the total (owner)."""
    businesses = check_business(current_principal(), business, allow_all=True)
    start, end = expenses.period(args["from_"], args["to"])
    found = expenses.list_expenses(businesses, start, end, args["category_id"], args["paid_from"])
    return pollable(*encode(ExpenseListSchema().dump(found)), audience="user")


@bp.post("/businesses/<business>/shifts")
@login_required()
@bp.arguments(ShiftOpenSchema)
@bp.response(201, ShiftSchema)
def open_shift(body: dict, business: str):
    """Open the caller's shift with the float in the drawer (409 if one is open already)."""
    principal = current_principal()
    check_business(principal, business)
    return shifts.open_shift(business, body["float"], principal)


@bp.get("/businesses/<business>/shifts/current")
@login_required()
@bp.doc(responses=json_doc(CurrentShiftSchema, "The caller's open shift, or null"))
def current_shift(business: str):
    """The caller's open shift at this business with its figures so far, or null (pollable)."""
    principal = current_principal()
    check_business(principal, business)
    found = shifts.current_shift(business, principal)
    return pollable(*encode(CurrentShiftSchema().dump({"shift": found})), audience="user")


@bp.get("/businesses/<business>/shifts")
@login_required()
@bp.arguments(ShiftListArgsSchema, location="query")
@bp.doc(responses=json_doc(ShiftListSchema, "Shifts"))
def list_shifts(args: dict, business: str):
    """Shifts opened over Nairobi days `from`..`to`: the owner sees everyone's, staff their own."""
    principal = current_principal()
    businesses = check_business(principal, business, allow_all=True)
    start, end = expenses.period(args["from_"], args["to"])
    items = shifts.list_shifts(businesses, principal, start, end, args["user_id"])
    return pollable(*encode(ShiftListSchema().dump({"items": items})), audience="user")


@bp.get("/shifts/<id:shift_id>")
@login_required()
@bp.doc(responses=json_doc(ShiftSchema, "A shift's Z report"))
def get_shift(shift_id: int):
    """A shift's Z report, recomputed from the rows (its opener or the owner; pollable)."""
    return pollable(
        *encode(ShiftSchema().dump(shifts.get_shift(shift_id, current_principal()))), audience="user"
    )


@bp.post("/shifts/<id:shift_id>/close")
@login_required()
@bp.arguments(ShiftCloseSchema)
@bp.response(200, ShiftSchema)
def close_shift(body: dict, shift_id: int):
    """Close a shift with the cash counted; closing it again is a 409 and changes nothing."""
    return shifts.close_shift(
        shift_id, body["counted"], body["pending_sales"], body["note"], current_principal()
    )
