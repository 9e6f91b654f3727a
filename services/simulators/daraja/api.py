"""Daraja's own paths. Each route checks the token, hands the body to services, returns JSON."""

from flask import Blueprint, current_app, request

from simulators.daraja import money_back, services
from simulators.daraja.state import STORE_KEY, Store

bp = Blueprint("daraja", __name__)


def current_store() -> Store:
    """The store of the running app."""
    return current_app.extensions[STORE_KEY]


def _authorized_store() -> Store:
    store = current_store()
    services.require_token(store, request.headers.get("Authorization"))
    return store


def _body() -> object:
    # force: Daraja clients do not all send a JSON content type; silent: bad JSON is a 400 later.
    return request.get_json(force=True, silent=True)


@bp.get("/oauth/v1/generate")
def generate_token() -> dict[str, str]:
    """Issue an access token for HTTP Basic consumer credentials."""
    authorization = request.headers.get("Authorization")
    return services.issue_token(current_store(), authorization, request.args.get("grant_type"))


@bp.post("/mpesa/stkpush/v1/processrequest")
def stk_push() -> dict[str, str]:
    """Start an STK push (Lipa Na M-Pesa Online)."""
    return services.start_push(_authorized_store(), _body())


@bp.post("/mpesa/stkpushquery/v1/query")
def stk_query() -> dict[str, str]:
    """Ask for the result of an STK push."""
    return services.query_push(_authorized_store(), _body())


@bp.post("/mpesa/c2b/v1/registerurl")
@bp.post("/mpesa/c2b/v2/registerurl")
def register_urls() -> dict[str, str]:
    """Register C2B validation and confirmation URLs (v1 is what client libraries call; v2 is newer)."""
    return services.register_urls(_authorized_store(), _body())


@bp.post("/mpesa/c2b/v1/simulate")
def simulate_c2b() -> dict[str, str]:
    """Simulate a customer paying the till or paybill directly."""
    return services.simulate_c2b(_authorized_store(), _body())


@bp.post("/mpesa/b2c/<any(v1, v3):version>/paymentrequest")
def b2c_payment(version: str) -> dict[str, str]:
    """Pay a customer from the shortcode (B2C); the result comes to ResultURL."""
    return money_back.b2c(_authorized_store(), _body(), version)


@bp.post("/mpesa/reversal/v1/request")
def reverse() -> dict[str, str]:
    """Reverse a customer's payment; the result comes to ResultURL."""
    return money_back.reversal(_authorized_store(), _body())


@bp.post("/mpesa/transactionstatus/v1/query")
def transaction_status() -> dict[str, str]:
    """What happened to a B2C payment or reversal; the answer comes to ResultURL."""
    return money_back.transaction_status(_authorized_store(), _body())
