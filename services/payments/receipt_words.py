"""The receipt page's words, in both languages the app speaks (the PWA's catalogues are for the app).

A customer reads the receipt in their own language: the link names it (`?lang=sw|en`), Swahili
when it does not. tests/payments/test_receipts.py checks both have the same keys.
"""

from __future__ import annotations

LANGUAGES = ("sw", "en")
DEFAULT_LANGUAGE = "sw"

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Receipt",
        "receipt_no": "Receipt {reference}",
        "date": "Date",
        "total": "Total",
        "paid_by": "Paid by",
        "method.cash": "Cash",
        "method.mpesa": "M-Pesa",
        "method.account": "On account (deni)",
        "mpesa_code": "M-Pesa code",
        "status.paid": "Paid",
        "status.pending": "Not paid yet",
        "status.failed": "Not paid",
        "status.cancelled": "Cancelled",
        "status.voided": "Cancelled (voided)",
        "voided_on": "This sale was cancelled on {when}. Nothing is owed for it.",
        "refunds": "Money given back",
        "refund_line": "{when}: {amount}",
        "refund_pending": "{when}: {amount} (being sent)",
        "net": "Paid after money given back",
        "ticket": "Ticket",
        "ready_by": "Ready by",
        "order_status": "Order",
        "order.received": "Received",
        "order.washing": "Washing",
        "order.drying": "Drying",
        "order.ready": "Ready to collect",
        "order.collected": "Collected",
        "order.cancelled": "Cancelled",
        "print": "Print",
        "other_language": "Kiswahili",
        "thanks": "Thank you!",
    },
    "sw": {
        "title": "Risiti",
        "receipt_no": "Risiti {reference}",
        "date": "Tarehe",
        "total": "Jumla",
        "paid_by": "Imelipwa kwa",
        "method.cash": "Pesa taslimu",
        "method.mpesa": "M-Pesa",
        "method.account": "Deni",
        "mpesa_code": "Nambari ya M-Pesa",
        "status.paid": "Imelipwa",
        "status.pending": "Bado haijalipwa",
        "status.failed": "Haijalipwa",
        "status.cancelled": "Imeghairiwa",
        "status.voided": "Imefutwa",
        "voided_on": "Mauzo haya yalifutwa tarehe {when}. Hakuna deni kwa ajili yake.",
        "refunds": "Pesa iliyorudishwa",
        "refund_line": "{when}: {amount}",
        "refund_pending": "{when}: {amount} (inatumwa)",
        "net": "Kilicholipwa baada ya kurudishiwa",
        "ticket": "Tiketi",
        "ready_by": "Tayari kabla ya",
        "order_status": "Oda",
        "order.received": "Imepokelewa",
        "order.washing": "Inafuliwa",
        "order.drying": "Inakaushwa",
        "order.ready": "Tayari kuchukuliwa",
        "order.collected": "Imechukuliwa",
        "order.cancelled": "Imeghairiwa",
        "print": "Chapisha",
        "other_language": "English",
        "thanks": "Asante!",
    },
}
