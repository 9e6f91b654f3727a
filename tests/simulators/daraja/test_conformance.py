"""The simulator as integrators' code sees it: a real client library (mpesakit) drives the simulator
started exactly as the Procfile starts it, so paths, shapes and connection handling cannot drift
from what real clients expect."""

import http.client
import time
from collections.abc import Iterator

import pytest
import requests
from mpesakit import MpesaClient
from mpesakit.b2c import B2CCommandIDType

from support.stack import Stack

PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"
SHORTCODE = 174379
PHONE = "254712345678"


@pytest.fixture(scope="module")
def sim() -> Iterator[str]:
    """The simulator from the Procfile's daraja_sim line, on a port of its own."""
    stack = Stack(only=("daraja_sim",))
    stack.env["SIM_CALLBACK_DELAY_SECONDS"] = "0.1"
    stack.start()
    yield f"http://127.0.0.1:{stack.port('daraja_sim')}"
    stack.stop()


@pytest.fixture
def mpesa(sim: str) -> MpesaClient:
    client = MpesaClient("sim-key", "sim-secret", environment="sandbox")
    client.http_client.base_url = sim  # the library only knows Safaricom's hosts
    return client


def test_stk_push_query_and_callback_read_by_mpesakit(mpesa: MpesaClient, receiver) -> None:
    accepted = mpesa.stk_push(
        business_short_code=SHORTCODE,
        transaction_type="CustomerPayBillOnline",
        amount=10,
        party_a=PHONE,
        party_b=str(SHORTCODE),
        phone_number=PHONE,
        callback_url=receiver.url("/stk"),
        account_reference="TT42",
        transaction_desc="Payment",
        passkey=PASSKEY,
    )
    assert accepted.ResponseCode in ("0", 0)
    [body] = receiver.wait_for("/stk")
    callback = mpesa.process_stk_callback(body).Body.stkCallback
    assert (callback.CheckoutRequestID, callback.ResultCode) == (accepted.CheckoutRequestID, 0)
    answer = mpesa.stk_query(
        business_short_code=SHORTCODE, checkout_request_id=accepted.CheckoutRequestID, passkey=PASSKEY
    )
    assert str(answer.ResultCode) == "0"


def test_c2b_registers_at_v1_and_only_the_confirmation_arrives(
    mpesa: MpesaClient, sim: str, receiver
) -> None:
    registered = mpesa.c2b.register_url(
        short_code=600000,
        response_type="Completed",
        confirmation_url=receiver.url("/c2b/confirm"),
        validation_url=receiver.url("/c2b/validate"),
    )
    assert str(registered.ResponseCode) == "0"
    paid = requests.post(
        f"{sim}/mpesa/c2b/v1/simulate",
        json={"ShortCode": "600000", "CommandID": "CustomerPayBillOnline", "Amount": 5, "Msisdn": PHONE},
        headers={"Authorization": f"Bearer {mpesa.token_manager.get_token()}"},
        timeout=5,
    )
    assert paid.status_code == 200, paid.text
    [confirmation] = receiver.wait_for("/c2b/confirm")
    assert confirmation["TransAmount"] == "5.00"
    assert receiver.bodies("/c2b/validate") == []  # validation is opt-in at Safaricom


def test_an_idle_connection_outlives_node_socket_reuse(sim: str) -> None:
    """Node 20's HTTP agent reuses an idle socket for up to 5 s: the server must keep it longer."""
    port = int(sim.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/healthz")
    assert conn.getresponse().read()
    sock = conn.sock
    time.sleep(5.5)
    conn.request("GET", "/healthz")  # on a socket the server closed this raises RemoteDisconnected
    assert conn.getresponse().status == 200
    assert conn.sock is sock
    conn.close()


def test_money_back_requests_from_mpesakit_are_acknowledged(mpesa: MpesaClient, receiver) -> None:
    urls = {"result_url": receiver.url("/result"), "queue_timeout_url": receiver.url("/timeout")}
    paid = mpesa.b2c.send_payment(
        originator_conversation_id=f"conformance-{time.monotonic_ns()}",
        initiator_name="api-op",
        security_credential="c2VjcmV0",
        command_id=B2CCommandIDType.BusinessPayment,
        amount=50,
        party_a="600000",
        party_b=PHONE,
        remarks="refund",
        **urls,
    )
    reversed_ = mpesa.reversal.reverse(
        initiator="api-op",
        security_credential="c2VjcmV0",
        transaction_id="NLJ7RT61SV",
        amount=450,
        receiver_party=600000,
        remarks="refund",
        **urls,
    )
    assert str(paid.ResponseCode) == str(reversed_.ResponseCode) == "0"
    receipt = receiver.wait_for("/result", count=2)[0]["Result"]["TransactionID"]
    answer = mpesa.transactions.query_status(
        initiator="api-op",
        security_credential="c2VjcmV0",
        transaction_id=receipt,
        party_a=600000,
        identifier_type=4,
        remarks="status",
        **urls,
    )
    assert str(answer.ResponseCode) == "0"
