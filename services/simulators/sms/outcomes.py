"""What happens to a message, chosen by the recipient number's LAST THREE DIGITS.

A contract, like the Daraja simulator's table: tests across the repo rely on it; README.md lists it.
"""

from dataclasses import dataclass

# Africa's Talking's per-recipient status codes (SMS.md).
STATUS_NAMES = {
    100: "Processed",
    101: "Success",
    102: "Queued",
    401: "RiskHold",
    402: "InvalidSenderId",
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    405: "InsufficientBalance",
    406: "UserInBlacklist",
    407: "CouldNotRoute",
    500: "InternalServerError",
    501: "GatewayError",
    502: "RejectedByGateway",
}


@dataclass(frozen=True)
class Outcome:
    description: str
    status_code: int = 101  # the send answer's statusCode for this recipient
    report: str | None = "Success"  # the delivery report's status; None: no report ever
    failure_reason: str | None = None
    reports: int = 1  # how many times the same report is posted
    slow: bool = False  # answer the send only after SIM_SMS_SLOW_SECONDS (already accepted)
    busy_sends: int = 0  # the first N sends to this number get HTTP 503 (nothing accepted)

    @property
    def accepted(self) -> bool:
        return self.status_code in (100, 101, 102)


DEFAULT = Outcome("sent")
BY_ENDING = {
    "403": Outcome("invalid number", 403, None),
    "405": Outcome("insufficient balance", 405, None),
    "406": Outcome("rejected", report="Rejected", failure_reason="UserInBlackList"),
    "407": Outcome("failed on the network", report="Failed", failure_reason="DeliveryFailure"),
    "502": Outcome("rejected by the gateway", 502, None),
    "503": Outcome("busy twice, then sent", busy_sends=2),
    "900": Outcome("no delivery report", report=None),
    "910": Outcome("duplicate report", reports=3),
    "950": Outcome("slow answer", slow=True),
}


def outcome_for(number: str) -> Outcome:
    return BY_ENDING.get(number[-3:], DEFAULT)
