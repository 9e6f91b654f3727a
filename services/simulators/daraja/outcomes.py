"""The scenario table: what happens to a push, chosen by the LAST THREE digits of the phone.

This table is a contract that other services' tests rely on; README.md repeats it, so change
both together. Moments are relative to the push: "callback" = SIM_CALLBACK_DELAY_SECONDS,
"processing" = SIM_PROCESSING_SECONDS, "late" = SIM_LATE_CALLBACK_SECONDS, "never" = never.
"""

from dataclasses import dataclass
from typing import Literal

Moment = Literal["callback", "processing", "late", "never"]


@dataclass(frozen=True)
class Outcome:
    """What the simulated customer and M-Pesa do with one push."""

    description: str
    result_code: int = 0
    # From when the STK query stops answering "being processed".
    decided: Moment = "callback"
    # When the result callback is posted to CallBackURL.
    callback: Moment = "callback"
    # How many times the same callback body is posted.
    deliveries: int = 1
    # Added to the Amount reported in the callback, to simulate a tampered or wrong amount.
    amount_delta: int = 0
    # The push itself is refused at once with "unable to lock subscriber".
    refused: bool = False


DEFAULT = Outcome("success")

# fmt: off
OUTCOMES: dict[str, Outcome] = {
    "001": Outcome("insufficient balance", result_code=1),
    "017": Outcome("same amount to same customer within 2 minutes", result_code=17),
    "019": Outcome("transaction expired", result_code=1019),
    "032": Outcome("cancelled by user", result_code=1032),
    "037": Outcome("user cannot be reached", result_code=1037),
    "201": Outcome("wrong PIN", result_code=2001),
    "500": Outcome("push refused: subscriber locked", refused=True),
    "900": Outcome("no callback; query succeeds after processing time", decided="processing", callback="never"),
    "901": Outcome("no callback; query says being processed forever", decided="never", callback="never"),
    "902": Outcome("no callback; query says cancelled after processing time", result_code=1032, decided="processing", callback="never"),
    "910": Outcome("success; the same callback delivered 3 times", deliveries=3),
    "920": Outcome("success; query answers after processing time, callback arrives late", decided="processing", callback="late"),
    "940": Outcome("success callback with Amount = pushed amount + 1", amount_delta=1),
}
# fmt: on

# ResultDesc texts as the real API words them.
RESULT_DESCRIPTIONS: dict[int, str] = {
    0: "The service request is processed successfully.",
    1: "The balance is insufficient for the transaction.",
    17: "Rule limited.",
    1019: "Transaction has expired.",
    1032: "Request cancelled by user.",
    1037: "DS timeout user cannot be reached.",
    2001: "The initiator information is invalid.",
}


def outcome_for(phone: str) -> Outcome:
    """The outcome for a customer phone, by its last three digits."""
    return OUTCOMES.get(phone[-3:], DEFAULT)
