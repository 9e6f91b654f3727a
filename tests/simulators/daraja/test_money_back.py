"""Reversal, B2C and the transaction status query: acknowledged at once, results posted later to a
real receiver, every outcome of the table (failure codes, none, duplicates, queue timeout)."""

import pytest
from flask.testing import FlaskClient

B2C = "/mpesa/b2c/v3/paymentrequest"
REVERSAL = "/mpesa/reversal/v1/request"
STATUS = "/mpesa/transactionstatus/v1/query"
ACK = {"OriginatorConversationID", "ConversationID", "ResponseCode", "ResponseDescription"}


def b2c_body(receiver, phone="254712345678", amount=50, originator="refund-1", **extra) -> dict:
    return {
        "OriginatorConversationID": originator,
        "InitiatorName": "api-op",
        "SecurityCredential": "c2VjcmV0",
        "CommandID": "BusinessPayment",
        "Amount": amount,
        "PartyA": "600000",
        "PartyB": phone,
        "Remarks": "refund",
        "QueueTimeOutURL": receiver.url("/timeout"),
        "ResultURL": receiver.url("/result"),
        "Occassion": "",
        **extra,
    }


def reversal_body(receiver, amount=450, **extra) -> dict:
    return {
        "Initiator": "api-op",
        "SecurityCredential": "c2VjcmV0",
        "CommandID": "TransactionReversal",
        "TransactionID": "NLJ7RT61SV",
        "Amount": amount,
        "ReceiverParty": "600000",
        "RecieverIdentifierType": "11",
        "ResultURL": receiver.url("/result"),
        "QueueTimeOutURL": receiver.url("/timeout"),
        "Remarks": "refund",
        **extra,
    }


def status(client, auth, receiver, **ids):
    body = {
        "Initiator": "api-op",
        "SecurityCredential": "c2VjcmV0",
        "CommandID": "TransactionStatusQuery",
        "PartyA": "600000",
        "IdentifierType": "4",
        "ResultURL": receiver.url("/status"),
        "QueueTimeOutURL": receiver.url("/timeout"),
        "Remarks": "where is it",
        **ids,
    }
    return client.post(STATUS, json=body, headers=auth)


def parameters(result: dict) -> dict:
    return {p["Key"]: p["Value"] for p in result["ResultParameters"]["ResultParameter"]}


def test_b2c_success_posts_its_result_and_the_status_query_confirms_it(client: FlaskClient, auth, receiver):
    ack = client.post(B2C, json=b2c_body(receiver), headers=auth)
    assert ack.status_code == 200 and set(ack.json) == ACK
    assert (ack.json["OriginatorConversationID"], ack.json["ResponseCode"]) == ("refund-1", "0")
    [body] = receiver.wait_for("/result")
    result = body["Result"]
    assert (result["ResultType"], result["ResultCode"], result["ConversationID"]) == (
        0,
        0,
        ack.json["ConversationID"],
    )
    paid = parameters(result)
    assert (paid["TransactionAmount"], paid["TransactionReceipt"]) == (50, result["TransactionID"])
    assert status(client, auth, receiver, OriginalConversationID="refund-1").status_code == 200
    [answer] = receiver.wait_for("/status")
    found = parameters(answer["Result"])
    assert (found["TransactionStatus"], found["ReceiptNo"]) == ("Completed", result["TransactionID"])


@pytest.mark.parametrize(("ending", "code"), [("001", 1), ("204", 2040), ("806", 8006)])
def test_b2c_failure_codes_come_without_result_parameters(client: FlaskClient, auth, receiver, ending, code):
    client.post(B2C, json=b2c_body(receiver, phone=f"254712345{ending}"), headers=auth)
    [body] = receiver.wait_for("/result")
    assert body["Result"]["ResultCode"] == code and "ResultParameters" not in body["Result"]


def test_b2c_below_the_minimum_is_a_result_code_2(client: FlaskClient, auth, receiver):
    client.post(B2C, json=b2c_body(receiver, amount=5), headers=auth)
    assert receiver.wait_for("/result")[0]["Result"]["ResultCode"] == 2


def test_b2c_without_a_result_is_found_by_the_status_query(client: FlaskClient, auth, receiver):
    ack = client.post(B2C, json=b2c_body(receiver, phone="254712345900"), headers=auth).json
    assert receiver.wait_for("/result", timeout=0.3) == []
    status(client, auth, receiver, OriginalConversationID=ack["OriginatorConversationID"])
    assert parameters(receiver.wait_for("/status")[0]["Result"])["TransactionStatus"] == "Completed"


def test_b2c_duplicate_result_and_queue_timeout_then_late_result(client: FlaskClient, auth, receiver):
    client.post(B2C, json=b2c_body(receiver, phone="254712345910"), headers=auth)
    assert len(receiver.wait_for("/result", count=3)) == 3
    assert len({b["Result"]["ConversationID"] for b in receiver.bodies("/result")}) == 1
    client.post(B2C, json=b2c_body(receiver, phone="254712345930", originator="refund-2"), headers=auth)
    [timeout] = receiver.wait_for("/timeout")
    assert (timeout["Result"]["ResultCode"], timeout["Result"]["OriginatorConversationID"]) == (
        1037,
        "refund-2",
    )
    late = receiver.wait_for("/result", count=4)[3]["Result"]
    assert (late["OriginatorConversationID"], late["ResultCode"]) == ("refund-2", 0)


def test_a_reused_originator_id_or_a_bad_field_is_refused_at_once(client: FlaskClient, auth, receiver):
    assert client.post(B2C, json=b2c_body(receiver), headers=auth).status_code == 200
    again = client.post(B2C, json=b2c_body(receiver), headers=auth)
    assert (again.status_code, again.json["errorCode"]) == (500, "500.002.1001")
    bad = client.post(B2C, json=b2c_body(receiver, CommandID="Gift"), headers=auth)
    assert (bad.status_code, bad.json["errorMessage"]) == (400, "Bad Request - Invalid CommandID")
    unknown = status(client, auth, receiver, TransactionID="NOSUCHTXN0")
    assert unknown.status_code == 400


@pytest.mark.parametrize(("amount", "code"), [(450, 0), (1001, "R000001"), (1002, "R000002")])
def test_reversal_outcomes_by_amount(client: FlaskClient, auth, receiver, amount, code):
    ack = client.post(REVERSAL, json=reversal_body(receiver, amount), headers=auth)
    assert ack.status_code == 200 and set(ack.json) == ACK
    result = receiver.wait_for("/result")[0]["Result"]
    assert result["ResultCode"] == code
    if code == 0:
        assert parameters(result)["OriginalTransactionID"] == "NLJ7RT61SV"
    bad = client.post(REVERSAL, json=reversal_body(receiver, RecieverIdentifierType="2"), headers=auth)
    assert bad.status_code == 400
