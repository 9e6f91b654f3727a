"""Money back: transaction reversal, B2C payments and the transaction status query.

Each request is acknowledged at once; its result is POSTed later to its ResultURL (or, for a
request that times out in Daraja's queue, to its QueueTimeOutURL first). The outcome is chosen
by the LAST THREE digits of the B2C PartyB phone, or of a reversal's whole-shilling Amount; the
table is a contract (README.md repeats it). The status query finds any transfer by its receipt
(TransactionID) or OriginatorConversationID and posts what happened to it, even when its own
result callback never came.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from simulators.daraja import callbacks, errors, ids, validation
from simulators.daraja.state import Delivery, Store

Plan = Literal["result", "never", "duplicate", "timeout"]


@dataclass(frozen=True)
class Outcome:
    description: str
    result_code: int | str = 0
    plan: Plan = "result"


# fmt: off
B2C_OUTCOMES = {
    "001": Outcome("insufficient balance", 1),
    "204": Outcome("recipient not registered", 2040),
    "806": Outcome("security credential locked", 8006),
    "900": Outcome("success; NO result callback (ask the status query)", plan="never"),
    "910": Outcome("success; the same result posted 3 times", plan="duplicate"),
    "930": Outcome("QueueTimeOutURL called first; the success result arrives late", plan="timeout"),
}
REVERSAL_OUTCOMES = {
    "001": Outcome("already reversed", "R000001"),
    "002": Outcome("OriginalTransactionID invalid", "R000002"),
    "900": Outcome("reversed; NO result callback (ask the status query)", plan="never"),
    "910": Outcome("reversed; the same result posted 3 times", plan="duplicate"),
    "930": Outcome("QueueTimeOutURL called first; the result arrives late", plan="timeout"),
}
# fmt: on
DESCRIPTIONS = {
    0: "The service request is processed successfully.",
    1: "The balance is insufficient for the transaction.",
    2040: "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
    8006: "The security credential is locked.",
    "R000001": "The transaction has already been reversed.",
    "R000002": "The OriginalTransactionID is invalid.",
}
B2C_COMMANDS = ("BusinessPayment", "SalaryPayment", "PromotionPayment")
IDENTIFIER_TYPES = ("1", "2", "4")


@dataclass
class Transfer:
    """A B2C payment or a reversal, with its planned result."""

    kind: str  # "b2c" | "reversal"
    originator_conversation_id: str
    conversation_id: str
    receipt: str
    amount: int
    party: str  # the phone paid (B2C) or the transaction reversed
    result_url: str
    timeout_url: str
    outcome: Outcome
    deliveries: list[Delivery] = field(default_factory=list)

    def succeeded(self) -> bool:
        return self.outcome.result_code == 0

    def view(self) -> dict[str, object]:
        return {**asdict(self), "outcome": self.outcome.description, "result_code": self.outcome.result_code}


def _credentials(body: dict[str, object], initiator_field: str, remarks: bool = True) -> None:
    validation.text(body, initiator_field, 64)
    validation.text(body, "SecurityCredential", 1024)
    if remarks or body.get("Remarks") is not None:
        validation.text(body, "Remarks", 100)
    occasion = body.get("Occasion", body.get("Occassion"))  # the docs spell it both ways
    if occasion is not None and not isinstance(occasion, str):
        raise errors.invalid("Occasion")


def _urls(body: dict[str, object]) -> tuple[str, str]:
    return validation.url(body, "ResultURL"), validation.url(body, "QueueTimeOutURL")


def b2c(store: Store, body: object, version: str) -> dict[str, str]:
    """Accept a B2C payment; v3 needs a caller-unique OriginatorConversationID."""
    body = validation.require_object(body)
    originator = None
    if version == "v3":
        originator = validation.text(body, "OriginatorConversationID", 64)
    _credentials(body, "InitiatorName")
    validation.one_of(body, "CommandID", B2C_COMMANDS)
    amount = validation.amount(body)
    validation.digits(body, "PartyA", 5, 7)
    phone = validation.phone(body, "PartyB")
    result_url, timeout_url = _urls(body)
    outcome = B2C_OUTCOMES.get(phone[-3:], Outcome("success"))
    if amount < 10:  # Daraja's B2C minimum: a result, not a refusal
        outcome = Outcome("below the minimum", 2)
    return _accept(store, "b2c", originator, amount, phone, result_url, timeout_url, outcome)


def reversal(store: Store, body: object) -> dict[str, str]:
    """Accept a reversal of a C2B/STK receipt."""
    body = validation.require_object(body)
    _credentials(body, "Initiator")
    validation.one_of(body, "CommandID", ("TransactionReversal",))
    receipt = validation.text(body, "TransactionID", 20)
    amount = validation.amount(body)
    validation.digits(body, "ReceiverParty", 5, 9)
    validation.one_of(body, "RecieverIdentifierType", ("11", "4"))  # Daraja's own spelling
    result_url, timeout_url = _urls(body)
    outcome = REVERSAL_OUTCOMES.get(f"{amount:03d}"[-3:], Outcome("reversed"))
    return _accept(store, "reversal", None, amount, receipt, result_url, timeout_url, outcome)


def _accept(
    store: Store,
    kind: str,
    originator: str | None,
    amount: int,
    party: str,
    result_url: str,
    timeout_url: str,
    outcome: Outcome,
) -> dict[str, str]:
    originator = originator or store.claim_id(ids.conversation_id)
    transfer = Transfer(
        kind,
        originator,
        store.claim_id(ids.conversation_id),
        store.claim_id(ids.receipt_number),
        amount,
        party,
        result_url,
        timeout_url,
        outcome,
    )
    if not store.add_transfer(transfer):
        raise errors.DarajaError(500, "500.002.1001", "Duplicate OriginatorConversationID")
    settings = store.settings
    if outcome.plan == "timeout":
        # Daraja does not document the timeout body: the result envelope with a non-zero code
        # (1037, "DS timeout"), so a receiver cannot mistake it for the transfer's own result.
        timeout = _envelope(transfer, 1037, "The request timed out in the queue.", [])
        callbacks.schedule(
            store, settings.callback_delay, lambda: _post(store, transfer, timeout_url, timeout)
        )
        callbacks.schedule(store, settings.late_callback_seconds, lambda: _post_result(store, transfer))
    elif outcome.plan != "never":
        callbacks.schedule(store, settings.callback_delay, lambda: _post_result(store, transfer))
    return {
        "OriginatorConversationID": transfer.originator_conversation_id,
        "ConversationID": transfer.conversation_id,
        "ResponseCode": "0",
        "ResponseDescription": "Accept the service request successfully.",
    }


def transaction_status(store: Store, body: object) -> dict[str, str]:
    """The status query: its own result (what happened to the transfer) goes to its ResultURL."""
    body = validation.require_object(body)
    _credentials(body, "Initiator", remarks=False)
    if body.get("CommandID") is not None:
        validation.one_of(body, "CommandID", ("TransactionStatusQuery",))
    validation.digits(body, "PartyA", 5, 12)
    if str(body.get("IdentifierType")) not in IDENTIFIER_TYPES:  # a number or a string
        raise errors.invalid("IdentifierType")
    result_url, _ = _urls(body)
    transfer = store.find_transfer(
        str(body.get("TransactionID") or ""), str(body.get("OriginalConversationID") or "")
    )
    if transfer is None:
        raise errors.invalid("TransactionID")
    status = "Completed" if transfer.succeeded() else "Failed"
    now = ids.daraja_time(ids.nairobi_now())
    parameters = [
        ("ReceiptNo", transfer.receipt),
        ("TransactionStatus", status),
        ("Amount", transfer.amount),
        ("DebitPartyName", "600000 - tomtin"),
        ("CreditPartyName", transfer.party),
        ("InitiatedTime", now),
        ("FinalisedTime", now),
        ("OriginatorConversationID", transfer.originator_conversation_id),
    ]
    query = Transfer(
        "status",
        store.claim_id(ids.conversation_id),
        store.claim_id(ids.conversation_id),
        transfer.receipt,
        transfer.amount,
        transfer.party,
        result_url,
        "",
        Outcome("status"),
    )
    answer = _envelope(query, 0, DESCRIPTIONS[0], parameters)
    callbacks.schedule(
        store, store.settings.callback_delay, lambda: _post(store, transfer, result_url, answer)
    )
    return {
        "OriginatorConversationID": query.originator_conversation_id,
        "ConversationID": query.conversation_id,
        "ResponseCode": "0",
        "ResponseDescription": "Accept the service request successfully.",
    }


def _post_result(store: Store, transfer: Transfer) -> None:
    times = 3 if transfer.outcome.plan == "duplicate" else 1
    body = _result(transfer)
    for _ in range(times):
        _post(store, transfer, transfer.result_url, body)


def _post(store: Store, transfer: Transfer, url: str, body: dict[str, object]) -> None:
    callbacks.post_json(url, body, transfer.kind, lambda d: store.record(transfer, d))


def _result(transfer: Transfer) -> dict[str, object]:
    code = transfer.outcome.result_code
    parameters: list[tuple[str, object]] = []
    if transfer.succeeded() and transfer.kind == "b2c":
        parameters = [
            ("TransactionAmount", transfer.amount),
            ("TransactionReceipt", transfer.receipt),
            ("B2CRecipientIsRegisteredCustomer", "Y"),
            ("ReceiverPartyPublicName", f"{transfer.party} - Customer"),
            ("TransactionCompletedDateTime", ids.nairobi_now().strftime("%d.%m.%Y %H:%M:%S")),
        ]
    elif transfer.succeeded():
        parameters = [
            ("Amount", transfer.amount),
            ("OriginalTransactionID", transfer.party),
            ("TransCompletedTime", ids.daraja_time(ids.nairobi_now())),
            ("CreditPartyPublicName", "Customer"),
            ("DebitPartyPublicName", "600000 - tomtin"),
        ]
    return _envelope(transfer, code, DESCRIPTIONS.get(code, "Failed."), parameters)


def _envelope(transfer: Transfer, code: int | str, desc: str, parameters: list[tuple[str, object]]) -> dict:
    result: dict[str, object] = {
        "ResultType": 0,
        "ResultCode": code,
        "ResultDesc": desc,
        "OriginatorConversationID": transfer.originator_conversation_id,
        "ConversationID": transfer.conversation_id,
        "TransactionID": transfer.receipt,
    }
    if parameters:  # failures omit ResultParameters, as Daraja does
        result["ResultParameters"] = {"ResultParameter": [{"Key": k, "Value": v} for k, v in parameters]}
    result["ReferenceData"] = {"ReferenceItem": {"Key": "QueueTimeoutURL", "Value": transfer.timeout_url}}
    return {"Result": result}


def views(store: Store) -> list[dict[str, object]]:
    with store.lock:
        return [t.view() for t in store.transfers.values()]
