"""Errors answered in Daraja's shape: {"requestId", "errorCode", "errorMessage"}."""

from simulators.daraja import ids


class DarajaError(Exception):
    """An error the simulator answers with an HTTP status and a Daraja error body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, str]:
        """The JSON body Daraja sends for this error."""
        return {"requestId": ids.request_id(), "errorCode": self.code, "errorMessage": self.message}


def invalid(field: str) -> DarajaError:
    """A missing or malformed request field."""
    return DarajaError(400, "400.002.02", f"Bad Request - Invalid {field}")


def invalid_token() -> DarajaError:
    """A missing, unknown, replaced or expired bearer token."""
    return DarajaError(404, "404.001.03", "Invalid Access Token")


def bad_credentials() -> DarajaError:
    """Wrong consumer key/secret on the OAuth call."""
    return DarajaError(400, "400.008.01", "Invalid Authentication passed")


def bad_grant_type() -> DarajaError:
    """grant_type other than client_credentials on the OAuth call."""
    return DarajaError(400, "400.008.02", "Invalid grant type passed")


def wrong_password() -> DarajaError:
    """An STK Password that does not match shortcode + passkey + timestamp (real: HTTP 500)."""
    return DarajaError(500, "500.001.1001", "Wrong credentials")


def subscriber_locked() -> DarajaError:
    """The customer already has a transaction in progress."""
    message = "Unable to lock subscriber, a transaction is already in process for the current subscriber"
    return DarajaError(500, "500.001.1001", message)


def being_processed() -> DarajaError:
    """The STK query's answer while the customer has not finished."""
    return DarajaError(500, "500.001.1001", "The transaction is being processed")
