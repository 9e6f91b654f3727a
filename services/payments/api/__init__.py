"""payments HTTP API, one module per area: sales (/api/payments sales, voids, refunds, M-Pesa,
review, C2B), to_check (/api/payments what the owner must check, and the decisions), cashup
(/api/payments expenses and shifts), customers (/api/payments customers and credit), receipts (/r, a sale's public page), messages (/api/payments text messages), webhooks
(/hooks, Daraja's callbacks) and messages_hooks (/hooks/sms, Africa's Talking's callbacks).
Route handlers parse, call the business rules in ..services and dump; none lives elsewhere."""

from .cashup import bp as cashup_bp
from .customers import bp as customers_bp
from .messages import bp as messages_bp
from .messages_hooks import bp as sms_hooks_bp
from .receipts import bp as receipts_bp
from .receipts import sms_bp as receipt_sms_bp
from .sales import bp as sales_bp
from .to_check import bp as to_check_bp
from .webhooks import bp as hooks_bp

# Registration order is the order of the OpenAPI document.
BLUEPRINTS = [
    sales_bp,
    to_check_bp,
    cashup_bp,
    customers_bp,
    receipts_bp,
    receipt_sms_bp,
    messages_bp,
    hooks_bp,
    sms_hooks_bp,
]
