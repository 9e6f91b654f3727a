"""Tests of the Daraja simulator: real HTTP callbacks to a local receiver, exact Daraja shapes."""

import base64
import re
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulators.daraja import callbacks, create_app
from simulators.daraja.config import load_settings

SANDBOX_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
SHORTCODE = "174379"
TIMESTAMP = "20240101120000"
NAIROBI = timezone(timedelta(hours=3))

TOKEN_URL = "/oauth/v1/generate?grant_type=client_credentials"
STK = "/mpesa/stkpush/v1/processrequest"
QUERY = "/mpesa/stkpushquery/v1/query"
REGISTER = "/mpesa/c2b/v2/registerurl"
SIMULATE = "/mpesa/c2b/v1/simulate"
DARAJA_POSTS = (STK, QUERY, REGISTER, SIMULATE)

OK_PHONE = "254712345678"
RECEIPT = re.compile(r"[A-Z0-9]{10}")
ERROR_KEYS = {"requestId", "errorCode", "errorMessage"}
SUCCESS_DESC = "The service request is processed successfully."
MISSING = object()
SIM_KEYS = (
    "SIM_CONSUMER_KEY",
    "SIM_CONSUMER_SECRET",
    "SIM_PASSKEY",
    "SIM_CALLBACK_DELAY_SECONDS",
    "SIM_PROCESSING_SECONDS",
    "SIM_LATE_CALLBACK_SECONDS",
)


def password(shortcode: str = SHORTCODE, timestamp: str = TIMESTAMP, passkey: str = SANDBOX_PASSKEY) -> str:
    """The STK Password: base64(shortcode + passkey + timestamp)."""
    return base64.b64encode(f"{shortcode}{passkey}{timestamp}".encode()).decode()


def push_body(phone: str, callback_url: str, amount: object = 10, **overrides: object) -> dict[str, object]:
    """A valid STK push body with overrides applied (MISSING removes a field)."""
    body: dict[str, object] = {
        "BusinessShortCode": SHORTCODE,
        "Password": password(),
        "Timestamp": TIMESTAMP,
        "TransactionType": "CustomerPayBillOnline",
        "Amount": amount,
        "PartyA": phone,
        "PartyB": SHORTCODE,
        "PhoneNumber": phone,
        "CallBackURL": callback_url,
        "AccountReference": "SALE-42",
        "TransactionDesc": "Payment",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not MISSING}


def query_body(checkout_request_id: str, **overrides: object) -> dict[str, object]:
    """A valid STK query body with overrides applied."""
    body = {
        "BusinessShortCode": SHORTCODE,
        "Password": password(),
        "Timestamp": TIMESTAMP,
        "CheckoutRequestID": checkout_request_id,
    }
    body.update(overrides)
    return body


def stk_push(client: FlaskClient, auth: dict[str, str], receiver, phone: str, amount: object = 10) -> str:
    """Push to phone with the receiver's /stk as CallBackURL; the CheckoutRequestID."""
    response = client.post(STK, json=push_body(phone, receiver.url("/stk"), amount), headers=auth)
    assert response.status_code == 200, response.json
    return response.json["CheckoutRequestID"]


def query(client: FlaskClient, auth: dict[str, str], checkout_request_id: str):
    """The simulator's answer to an STK query."""
    return client.post(QUERY, json=query_body(checkout_request_id), headers=auth)


def assert_error(response, status: int, code: str, message: str | None = None) -> None:
    """The response is a Daraja error with this status and code (and message, if given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == ERROR_KEYS
    assert response.json["errorCode"] == code
    assert response.json["requestId"]
    if message is not None:
        assert response.json["errorMessage"] == message


def assert_processing(response) -> None:
    """The STK query's "still being processed" answer."""
    assert_error(response, 500, "500.001.1001", "The transaction is being processed")


def pushes(client: FlaskClient) -> list[dict]:
    """The simulator's view of every push."""
    return client.get("/simulator/pushes").json["pushes"]


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll condition until it holds or timeout passes; its final value."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def closed_port_url(path: str) -> str:
    """A URL on 127.0.0.1 where nothing listens, so connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# --- OAuth and tokens ---------------------------------------------------------------------


def test_token_issued_for_configured_credentials(client: FlaskClient) -> None:
    auth = "Basic " + base64.b64encode(b"test-key:test-secret").decode()
    response = client.get(TOKEN_URL, headers={"Authorization": auth})
    assert response.status_code == 200
    assert set(response.json) == {"access_token", "expires_in"}
    assert response.json["expires_in"] == "3599"
    assert re.fullmatch(r"[A-Za-z0-9]{28}", response.json["access_token"])


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"test-key:wrong").decode(),
        "Basic " + base64.b64encode(b"wrong:test-secret").decode(),
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic !!not-base64!!",
        "Bearer something",
        "",
    ],
)
def test_token_refused_for_bad_credentials(client: FlaskClient, authorization: str) -> None:
    response = client.get(TOKEN_URL, headers={"Authorization": authorization})
    assert_error(response, 400, "400.008.01", "Invalid Authentication passed")


def test_token_refused_without_client_credentials_grant(client: FlaskClient) -> None:
    auth = "Basic " + base64.b64encode(b"test-key:test-secret").decode()
    response = client.get("/oauth/v1/generate?grant_type=password", headers={"Authorization": auth})
    assert_error(response, 400, "400.008.02", "Invalid grant type passed")


def test_new_token_invalidates_the_previous_one(client: FlaskClient, receiver, new_token) -> None:
    old, new = new_token(), new_token()
    body = push_body(OK_PHONE, receiver.url("/stk"))
    stale = client.post(STK, json=body, headers={"Authorization": f"Bearer {old}"})
    assert_error(stale, 404, "404.001.03", "Invalid Access Token")
    assert client.post(STK, json=body, headers={"Authorization": f"Bearer {new}"}).status_code == 200


@pytest.mark.parametrize("path", DARAJA_POSTS)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer unknown-token", "Basic dGVzdC1rZXk6dGVzdC1zZWNyZXQ="]
)
def test_daraja_calls_need_the_current_token(
    client: FlaskClient, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(path, json={}, headers=headers)
    assert_error(response, 404, "404.001.03", "Invalid Access Token")


def test_expire_tokens_invalidates_issued_tokens(client: FlaskClient, auth, receiver) -> None:
    body = push_body(OK_PHONE, receiver.url("/stk"))
    assert client.post(STK, json=body, headers=auth).status_code == 200
    assert client.post("/simulator/expire-tokens").status_code == 200
    assert_error(client.post(STK, json=body, headers=auth), 404, "404.001.03")


def test_defaults_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in SIM_KEYS:
        monkeypatch.delenv(key, raising=False)
    settings = load_settings()
    assert (settings.consumer_key, settings.consumer_secret) == ("sim-key", "sim-secret")
    assert settings.passkey == SANDBOX_PASSKEY
    assert settings.delays() == {
        "SIM_CALLBACK_DELAY_SECONDS": 1.0,
        "SIM_PROCESSING_SECONDS": 3.0,
        "SIM_LATE_CALLBACK_SECONDS": 40.0,
    }


def test_config_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in SIM_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SIM_CONSUMER_KEY", "env-key")
    monkeypatch.setenv("SIM_CONSUMER_SECRET", "env-secret")
    monkeypatch.setenv("SIM_PROCESSING_SECONDS", "7")
    client = create_app({"SIM_CONSUMER_SECRET": "dict-secret"}).test_client()
    dict_wins = "Basic " + base64.b64encode(b"env-key:dict-secret").decode()
    env_only = "Basic " + base64.b64encode(b"env-key:env-secret").decode()
    assert client.get(TOKEN_URL, headers={"Authorization": dict_wins}).status_code == 200
    assert client.get(TOKEN_URL, headers={"Authorization": env_only}).status_code == 400
    assert client.get("/simulator/config").json == {
        "SIM_CALLBACK_DELAY_SECONDS": 1.0,
        "SIM_PROCESSING_SECONDS": 7.0,
        "SIM_LATE_CALLBACK_SECONDS": 40.0,
    }


def test_invalid_configured_delay_fails_at_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_CALLBACK_DELAY_SECONDS", "-1")
    with pytest.raises(ValueError, match="SIM_CALLBACK_DELAY_SECONDS"):
        create_app()


# --- STK push, callback and query ---------------------------------------------------------


def test_successful_push_answers_then_posts_the_exact_callback(client: FlaskClient, auth, receiver) -> None:
    response = client.post(STK, json=push_body(OK_PHONE, receiver.url("/stk"), amount=10), headers=auth)
    assert response.status_code == 200
    answer = response.json
    assert list(answer) == [
        "MerchantRequestID",
        "CheckoutRequestID",
        "ResponseCode",
        "ResponseDescription",
        "CustomerMessage",
    ]
    assert re.fullmatch(r"ws_CO_\d+", answer["CheckoutRequestID"])
    assert answer["ResponseCode"] == "0"
    assert answer["ResponseDescription"] == "Success. Request accepted for processing"
    assert answer["CustomerMessage"] == "Success. Request accepted for processing"

    [body] = receiver.wait_for("/stk")
    callback = body["Body"]["stkCallback"]
    assert list(body) == ["Body"] and list(body["Body"]) == ["stkCallback"]
    assert callback["MerchantRequestID"] == answer["MerchantRequestID"]
    assert callback["CheckoutRequestID"] == answer["CheckoutRequestID"]
    assert type(callback["ResultCode"]) is int and callback["ResultCode"] == 0
    assert callback["ResultDesc"] == SUCCESS_DESC
    items = callback["CallbackMetadata"]["Item"]
    assert [item["Name"] for item in items] == [
        "Amount",
        "MpesaReceiptNumber",
        "Balance",
        "TransactionDate",
        "PhoneNumber",
    ]
    values = {item["Name"]: item.get("Value") for item in items}
    assert values["Amount"] == 10
    assert RECEIPT.fullmatch(values["MpesaReceiptNumber"])
    assert items[2] == {"Name": "Balance"}
    assert type(values["PhoneNumber"]) is int and values["PhoneNumber"] == 254712345678
    assert type(values["TransactionDate"]) is int
    paid_at = datetime.strptime(str(values["TransactionDate"]), "%Y%m%d%H%M%S").replace(tzinfo=NAIROBI)
    assert abs(paid_at - datetime.now(NAIROBI)) < timedelta(seconds=30)

    assert wait_until(lambda: pushes(client)[0]["deliveries"] != [])
    [push] = pushes(client)
    assert push["status"] == "success" and push["receipt"] == values["MpesaReceiptNumber"]
    assert [(d["kind"], d["attempt"], d["status_code"]) for d in push["deliveries"]] == [("stk", 1, 200)]


def test_query_says_processing_until_the_callback_time_then_a_string_code(
    client: FlaskClient, auth, receiver
) -> None:
    assert client.post("/simulator/config", json={"SIM_CALLBACK_DELAY_SECONDS": 0.4}).status_code == 200
    checkout_request_id = stk_push(client, auth, receiver, OK_PHONE)
    assert_processing(query(client, auth, checkout_request_id))
    assert pushes(client)[0]["status"] == "processing"

    [callback] = receiver.wait_for("/stk")
    response = query(client, auth, checkout_request_id)
    assert response.status_code == 200
    assert response.json == {
        "ResponseCode": "0",
        "ResponseDescription": "The service request has been accepted successsfully",
        "MerchantRequestID": callback["Body"]["stkCallback"]["MerchantRequestID"],
        "CheckoutRequestID": checkout_request_id,
        "ResultCode": "0",
        "ResultDesc": SUCCESS_DESC,
    }


@pytest.mark.parametrize(
    ("ending", "code", "description"),
    [
        ("001", 1, "The balance is insufficient for the transaction."),
        ("017", 17, "Rule limited."),
        ("019", 1019, "Transaction has expired."),
        ("032", 1032, "Request cancelled by user."),
        ("037", 1037, "DS timeout user cannot be reached."),
        ("201", 2001, "The initiator information is invalid."),
    ],
)
def test_failure_endings_post_a_failure_callback_without_metadata(
    client: FlaskClient, auth, receiver, ending: str, code: int, description: str
) -> None:
    checkout_request_id = stk_push(client, auth, receiver, "254712345" + ending)
    [body] = receiver.wait_for("/stk")
    callback = body["Body"]["stkCallback"]
    assert set(callback) == {"MerchantRequestID", "CheckoutRequestID", "ResultCode", "ResultDesc"}
    assert (callback["ResultCode"], callback["ResultDesc"]) == (code, description)
    assert callback["CheckoutRequestID"] == checkout_request_id

    answer = query(client, auth, checkout_request_id).json
    assert (answer["ResultCode"], answer["ResultDesc"]) == (str(code), description)
    [push] = pushes(client)
    assert (push["status"], push["result_code"], push["receipt"]) == ("failed", code, None)


def test_ending_500_refuses_the_push_at_once(client: FlaskClient, auth, receiver) -> None:
    response = client.post(STK, json=push_body("254712345500", receiver.url("/stk")), headers=auth)
    message = "Unable to lock subscriber, a transaction is already in process for the current subscriber"
    assert_error(response, 500, "500.001.1001", message)
    assert pushes(client) == []


def test_ending_900_never_calls_back_and_query_succeeds_after_processing_time(
    client: FlaskClient, auth, receiver
) -> None:
    checkout_request_id = stk_push(client, auth, receiver, "254712345900")
    assert_processing(query(client, auth, checkout_request_id))
    time.sleep(0.35)  # processing time is 0.3 s in these tests
    answer = query(client, auth, checkout_request_id).json
    assert (answer["ResultCode"], answer["ResultDesc"]) == ("0", SUCCESS_DESC)
    assert receiver.bodies("/stk") == []
    assert pushes(client)[0]["callbacks_planned"] == 0


def test_ending_901_is_being_processed_forever(client: FlaskClient, auth, receiver) -> None:
    checkout_request_id = stk_push(client, auth, receiver, "254712345901")
    time.sleep(0.4)
    assert_processing(query(client, auth, checkout_request_id))
    assert receiver.bodies("/stk") == []
    assert pushes(client)[0]["status"] == "processing"


def test_ending_902_never_calls_back_and_query_says_cancelled(client: FlaskClient, auth, receiver) -> None:
    checkout_request_id = stk_push(client, auth, receiver, "254712345902")
    assert_processing(query(client, auth, checkout_request_id))
    time.sleep(0.35)
    answer = query(client, auth, checkout_request_id).json
    assert (answer["ResultCode"], answer["ResultDesc"]) == ("1032", "Request cancelled by user.")
    assert receiver.bodies("/stk") == []


def test_ending_910_delivers_the_same_callback_three_times(client: FlaskClient, auth, receiver) -> None:
    stk_push(client, auth, receiver, "254712345910")
    bodies = receiver.wait_for("/stk", count=3)
    assert len(bodies) == 3
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["Body"]["stkCallback"]["ResultCode"] == 0
    time.sleep(0.1)
    assert len(receiver.bodies("/stk")) == 3


def test_ending_920_answers_the_query_before_a_late_callback(client: FlaskClient, auth, receiver) -> None:
    checkout_request_id = stk_push(client, auth, receiver, "254712345920")
    time.sleep(0.35)
    assert query(client, auth, checkout_request_id).json["ResultCode"] == "0"
    assert receiver.bodies("/stk") == []
    [body] = receiver.wait_for("/stk")  # late callback time is 0.8 s in these tests
    callback = body["Body"]["stkCallback"]
    assert callback["ResultCode"] == 0 and callback["CheckoutRequestID"] == checkout_request_id
    assert callback["CallbackMetadata"]["Item"][1]["Name"] == "MpesaReceiptNumber"


def test_ending_940_reports_the_amount_plus_one(client: FlaskClient, auth, receiver) -> None:
    stk_push(client, auth, receiver, "254712345940", amount=250)
    [body] = receiver.wait_for("/stk")
    items = body["Body"]["stkCallback"]["CallbackMetadata"]["Item"]
    assert {item["Name"]: item.get("Value") for item in items}["Amount"] == 251
    assert pushes(client)[0]["amount"] == 250


def test_receipts_and_request_ids_are_unique(client: FlaskClient, auth, receiver) -> None:
    for _ in range(15):
        stk_push(client, auth, receiver, OK_PHONE)
    views = pushes(client)
    receipts = {push["receipt"] for push in views}
    assert len(receipts) == 15 and all(RECEIPT.fullmatch(receipt) for receipt in receipts)
    assert len({push["checkout_request_id"] for push in views}) == 15
    assert len({push["merchant_request_id"] for push in views}) == 15


def test_push_accepts_numbers_digit_strings_and_tills(client: FlaskClient, auth, receiver) -> None:
    body = push_body(
        254112345678,
        receiver.url("/stk"),
        amount="250000",
        BusinessShortCode=174379,
        TransactionType="CustomerBuyGoodsOnline",
        PartyB="5123456",
        # Safaricom documents 13 characters but accepts the Node clients' 20-character default.
        TransactionDesc="Lipa na M-Pesa Payme",
    )
    assert client.post(STK, json=body, headers=auth).status_code == 200
    assert pushes(client)[0]["amount"] == 250000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("BusinessShortCode", "1234"),
        ("BusinessShortCode", "1234567"),
        ("BusinessShortCode", "17437a"),
        ("BusinessShortCode", MISSING),
        ("Timestamp", "2024010112000"),
        ("Timestamp", "20241301120000"),
        ("Timestamp", None),
        ("TransactionType", "CustomerPayBill"),
        ("TransactionType", 1),
        ("Amount", 0),
        ("Amount", 250001),
        ("Amount", 10.5),
        ("Amount", "10.00"),
        ("Amount", True),
        ("Amount", MISSING),
        ("PartyA", "0712345678"),
        ("PartyA", "+254712345678"),
        ("PhoneNumber", "254812345678"),
        ("PhoneNumber", "2547123456789"),
        ("PhoneNumber", MISSING),
        ("PartyB", "12"),
        ("CallBackURL", "ftp://example.com/cb"),
        ("CallBackURL", "https://"),
        ("CallBackURL", "http://[::1"),
        ("CallBackURL", "http://127.0.0.1:99999/cb"),
        ("CallBackURL", 42),
        ("AccountReference", "ABCDEFGHIJKLM"),
        ("AccountReference", ""),
        ("TransactionDesc", "x" * 101),
        ("TransactionDesc", ""),
        ("TransactionDesc", ["x"]),
        ("Password", ""),
        ("Password", MISSING),
    ],
)
def test_push_rejects_invalid_fields(client: FlaskClient, auth, receiver, field: str, value: object) -> None:
    body = push_body(OK_PHONE, receiver.url("/stk"), **{field: value})
    response = client.post(STK, json=body, headers=auth)
    assert_error(response, 400, "400.002.02", f"Bad Request - Invalid {field}")
    assert pushes(client) == []


@pytest.mark.parametrize(
    "bad_password",
    [
        password(passkey="not-the-passkey"),
        password(timestamp="20240101120001"),
        base64.b64encode(b"garbage").decode(),
    ],
)
def test_push_with_wrong_password_gets_wrong_credentials(
    client: FlaskClient, auth, receiver, bad_password: str
) -> None:
    body = push_body(OK_PHONE, receiver.url("/stk"), Password=bad_password)
    assert_error(client.post(STK, json=body, headers=auth), 500, "500.001.1001", "Wrong credentials")


@pytest.mark.parametrize("path", DARAJA_POSTS)
@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'"text"', b"", b"{"])
def test_malformed_bodies_get_a_400_not_a_500(client: FlaskClient, auth, path: str, payload: bytes) -> None:
    response = client.post(path, data=payload, headers=auth, content_type="application/json")
    assert_error(response, 400, "400.002.02", "Bad Request - Invalid JSON body")


def test_query_rejects_unknown_or_mismatched_requests(client: FlaskClient, auth, receiver) -> None:
    checkout_request_id = stk_push(client, auth, receiver, OK_PHONE)
    unknown = client.post(QUERY, json=query_body("ws_CO_000"), headers=auth)
    assert_error(unknown, 400, "400.002.02", "Bad Request - Invalid CheckoutRequestID")
    other_shortcode = query_body(checkout_request_id, BusinessShortCode="600000", Password=password("600000"))
    assert_error(client.post(QUERY, json=other_shortcode, headers=auth), 400, "400.002.02")
    bad_time = query_body(checkout_request_id, Timestamp="2024")
    assert_error(
        client.post(QUERY, json=bad_time, headers=auth), 400, "400.002.02", "Bad Request - Invalid Timestamp"
    )
    no_id = query_body(checkout_request_id, CheckoutRequestID=7)
    assert_error(client.post(QUERY, json=no_id, headers=auth), 400, "400.002.02")
    wrong = query_body(checkout_request_id, Password=password(passkey="nope"))
    assert_error(client.post(QUERY, json=wrong, headers=auth), 500, "500.001.1001", "Wrong credentials")


def test_connection_errors_are_retried_then_given_up(
    client: FlaskClient, auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(callbacks, "RETRY_PAUSE_SECONDS", 0.01)
    body = push_body(OK_PHONE, closed_port_url("/stk"))
    assert client.post(STK, json=body, headers=auth).status_code == 200
    assert wait_until(lambda: len(pushes(client)[0]["deliveries"]) == 3)
    time.sleep(0.1)
    deliveries = pushes(client)[0]["deliveries"]
    assert [d["attempt"] for d in deliveries] == [1, 2, 3]
    assert all(d["status_code"] is None and d["error"] for d in deliveries)


# --- C2B ----------------------------------------------------------------------------------


def register(
    client: FlaskClient, auth, receiver, response_type: str = "Completed", validate: bool = False, **urls: str
):
    """Register the receiver's C2B URLs for shortcode 600000 (with validation calls if `validate`)."""
    if validate:
        switch = {"ShortCode": "600000", "enabled": True}
        assert client.post("/simulator/c2b/external-validation", json=switch).status_code == 200
    body = {
        "ShortCode": "600000",
        "ResponseType": response_type,
        "ConfirmationURL": receiver.url("/c2b/confirm"),
        "ValidationURL": receiver.url("/c2b/validate"),
    }
    body.update(urls)
    return client.post(REGISTER, json=body, headers=auth)


def simulate(client: FlaskClient, auth, amount: int = 10, shortcode: str = "600000"):
    """Simulate a customer paybill payment."""
    body = {
        "ShortCode": shortcode,
        "CommandID": "CustomerPayBillOnline",
        "Amount": amount,
        "Msisdn": "254708374149",
        "BillRefNumber": "INV-7",
    }
    return client.post(SIMULATE, json=body, headers=auth)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_register_urls_answers_success(client: FlaskClient, auth, receiver, version: str) -> None:
    body = {
        "ShortCode": "600000",
        "ResponseType": "Completed",
        "ConfirmationURL": receiver.url("/c2b/confirm"),
        "ValidationURL": receiver.url("/c2b/validate"),
    }
    response = client.post(f"/mpesa/c2b/{version}/registerurl", json=body, headers=auth)
    assert response.status_code == 200
    assert set(response.json) == {"OriginatorCoversationID", "ResponseCode", "ResponseDescription"}
    assert response.json["ResponseCode"] == "0"
    assert client.get("/simulator/c2b").json["registrations"][0]["shortcode"] == "600000"


@pytest.mark.parametrize("word", ["mpesa", "SAFARICOM", "Exe", "cmd", "sQl", "query"])
@pytest.mark.parametrize("field", ["ConfirmationURL", "ValidationURL"])
def test_register_rejects_forbidden_words_in_urls(
    client: FlaskClient, auth, receiver, word: str, field: str
) -> None:
    response = register(client, auth, receiver, **{field: receiver.url(f"/hooks/{word}/x")})
    assert_error(response, 400, "400.002.02", f"Bad Request - Invalid {field}")
    assert client.get("/simulator/c2b").json["registrations"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("ResponseType", "completed"), ("ShortCode", "12"), ("ValidationURL", "ws://example.com/v")],
)
def test_register_rejects_invalid_fields(client: FlaskClient, auth, receiver, field: str, value: str) -> None:
    body = {
        "ShortCode": "600000",
        "ResponseType": "Completed",
        "ConfirmationURL": receiver.url("/c2b/confirm"),
        "ValidationURL": receiver.url("/c2b/validate"),
        field: value,
    }
    assert_error(
        client.post(REGISTER, json=body, headers=auth), 400, "400.002.02", f"Bad Request - Invalid {field}"
    )


def test_c2b_payment_by_default_posts_only_the_confirmation(client: FlaskClient, auth, receiver) -> None:
    receiver.replies["/c2b/validate"] = {"ResultCode": "C2B00012", "ResultDesc": "Rejected"}
    register(client, auth, receiver)
    simulate(client, auth, amount=10)
    [confirmation] = receiver.wait_for("/c2b/confirm")
    assert confirmation["TransAmount"] == "10.00"
    assert receiver.bodies("/c2b/validate") == []
    assert client.get("/simulator/c2b").json["payments"][0]["status"] == "confirmed"


def test_c2b_payment_posts_validation_then_confirmation(client: FlaskClient, auth, receiver) -> None:
    register(client, auth, receiver, validate=True)
    response = simulate(client, auth, amount=10)
    assert response.status_code == 200
    assert response.json["ResponseCode"] == "0"
    assert response.json["ResponseDescription"] == "Accept the service request successfully."

    [validation] = receiver.wait_for("/c2b/validate")
    [confirmation] = receiver.wait_for("/c2b/confirm")
    assert list(validation) == [
        "TransactionType",
        "TransID",
        "TransTime",
        "TransAmount",
        "BusinessShortCode",
        "BillRefNumber",
        "InvoiceNumber",
        "OrgAccountBalance",
        "ThirdPartyTransID",
        "MSISDN",
        "FirstName",
        "MiddleName",
        "LastName",
    ]
    assert validation["TransAmount"] == "10.00"
    assert RECEIPT.fullmatch(validation["TransID"])
    assert re.fullmatch(r"\d{14}", validation["TransTime"])
    assert (validation["BusinessShortCode"], validation["BillRefNumber"]) == ("600000", "INV-7")
    assert re.fullmatch(r"[0-9a-f]{64}", validation["MSISDN"])  # hashed, as production sends it
    assert confirmation == {**validation, "OrgAccountBalance": "10.00"}

    simulate(client, auth, amount=5)
    second = receiver.wait_for("/c2b/confirm", count=2)[1]
    assert second["TransID"] != validation["TransID"]
    assert (second["TransAmount"], second["OrgAccountBalance"]) == ("5.00", "15.00")


def test_c2b_rejected_validation_gets_no_confirmation(client: FlaskClient, auth, receiver) -> None:
    receiver.replies["/c2b/validate"] = {"ResultCode": "C2B00012", "ResultDesc": "Rejected"}
    register(client, auth, receiver, validate=True)
    simulate(client, auth)
    assert wait_until(lambda: client.get("/simulator/c2b").json["payments"][0]["status"] == "rejected")
    assert len(receiver.bodies("/c2b/validate")) == 1
    assert receiver.bodies("/c2b/confirm") == []


@pytest.mark.parametrize(("response_type", "status"), [("Completed", "confirmed"), ("Cancelled", "rejected")])
def test_c2b_unreachable_validation_follows_response_type(
    client: FlaskClient, auth, receiver, monkeypatch: pytest.MonkeyPatch, response_type: str, status: str
) -> None:
    monkeypatch.setattr(callbacks, "RETRY_PAUSE_SECONDS", 0.01)
    register(client, auth, receiver, response_type, True, ValidationURL=closed_port_url("/c2b/validate"))
    simulate(client, auth)
    assert wait_until(lambda: client.get("/simulator/c2b").json["payments"][0]["status"] == status)
    expected_confirmations = 1 if status == "confirmed" else 0
    assert len(receiver.wait_for("/c2b/confirm", timeout=0.3)) == expected_confirmations


def test_c2b_needs_registered_urls(client: FlaskClient, auth) -> None:
    response = simulate(client, auth, shortcode="600111")
    assert_error(response, 400, "400.002.02", "Bad Request - No URLs registered for ShortCode")


@pytest.mark.parametrize(
    ("field", "value"), [("CommandID", "BusinessPayBill"), ("Msisdn", "0708374149"), ("Amount", -5)]
)
def test_c2b_simulate_rejects_invalid_fields(
    client: FlaskClient, auth, receiver, field: str, value: object
) -> None:
    register(client, auth, receiver)
    body = {
        "ShortCode": "600000",
        "CommandID": "CustomerPayBillOnline",
        "Amount": 1,
        "Msisdn": "254708374149",
    }
    body[field] = value
    assert_error(
        client.post(SIMULATE, json=body, headers=auth), 400, "400.002.02", f"Bad Request - Invalid {field}"
    )


# --- Test-control endpoints ---------------------------------------------------------------


def test_config_changes_delays_at_run_time(client: FlaskClient) -> None:
    response = client.post(
        "/simulator/config", json={"SIM_PROCESSING_SECONDS": 1.5, "SIM_LATE_CALLBACK_SECONDS": "2"}
    )
    assert response.status_code == 200
    assert client.get("/simulator/config").json == {
        "SIM_CALLBACK_DELAY_SECONDS": 0.05,
        "SIM_PROCESSING_SECONDS": 1.5,
        "SIM_LATE_CALLBACK_SECONDS": 2.0,
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"SIM_PROCESSING_SECONDS": -1},
        {"SIM_PROCESSING_SECONDS": "soon"},
        {"SIM_PROCESSING_SECONDS": True},
        {"SIM_PROCESSING_SECONDS": None},
        {"SIM_PROCESSING_SECONDS": 1e9},
        {"SIM_PROCESSING_SECONDS": "nan"},
        {"SIM_PASSKEY": "x"},
        [1],
    ],
)
def test_config_rejects_invalid_changes(client: FlaskClient, payload: object) -> None:
    before = client.get("/simulator/config").json
    assert_error(client.post("/simulator/config", json=payload), 400, "400.002.02")
    assert client.get("/simulator/config").json == before


def test_reset_forgets_pushes_cancels_callbacks_and_restores_delays(
    client: FlaskClient, auth, receiver
) -> None:
    client.post("/simulator/config", json={"SIM_CALLBACK_DELAY_SECONDS": 0.3})
    stk_push(client, auth, receiver, OK_PHONE)
    assert client.post("/simulator/reset").status_code == 200
    assert pushes(client) == []
    assert client.get("/simulator/config").json["SIM_CALLBACK_DELAY_SECONDS"] == 0.05
    time.sleep(0.45)
    assert receiver.bodies("/stk") == []
    # tokens survive a reset
    assert client.post(STK, json=push_body(OK_PHONE, receiver.url("/stk")), headers=auth).status_code == 200


def test_healthz_and_unknown_paths(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    assert_error(client.get("/mpesa/nothing/here"), 404, "404.001.01", "Not Found")
    assert_error(client.get(STK), 405, "405.001.01")


def test_wsgi_module_exposes_an_app() -> None:
    from simulators.daraja import wsgi

    assert isinstance(wsgi.app, Flask)
    assert wsgi.app.test_client().get("/healthz").status_code == 200
