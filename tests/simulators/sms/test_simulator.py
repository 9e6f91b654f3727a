"""The SMS simulator answers in Africa's Talking's shapes (SMS.md) with outcomes by number ending."""

import time

import pytest

from support.stack import Stack

OK = "+254712345678"


def recipients(response) -> list[dict]:
    assert response.status_code == 201, response.data
    return response.json["SMSMessageData"]["Recipients"]


def test_a_message_is_sent_charged_and_reported(send, app, receiver):
    answer = send(OK)
    (row,) = recipients(answer)
    assert row["statusCode"] == 101 and row["status"] == "Success" and row["cost"] == "KES 0.8000"
    assert row["messageId"].startswith("ATXid_")
    assert answer.json["SMSMessageData"]["Message"] == "Sent to 1/1 Total Cost: KES 0.8000"
    (report,) = receiver.wait_for("/reports")
    assert report == {
        "id": row["messageId"],
        "status": "Success",
        "phoneNumber": OK,
        "networkCode": "63902",
        "retryCount": "0",
    }
    (seen,) = app.test_client().get("/simulator/messages").json["messages"]
    assert (seen["text"], seen["accepted"], seen["scenario"]) == ("Hello", True, "sent")


@pytest.mark.parametrize(
    ("ending", "code", "status"),
    [
        ("403", 403, "InvalidPhoneNumber"),
        ("405", 405, "InsufficientBalance"),
        ("502", 502, "RejectedByGateway"),
    ],
)
def test_refused_recipients_cost_nothing_and_get_no_report(send, receiver, ending, code, status):
    (row,) = recipients(send(f"+254712345{ending}"))
    assert (row["statusCode"], row["status"], row["cost"], row["messageId"]) == (code, status, "0", "None")
    assert receiver.wait_for("/reports", timeout=0.3) == []


def test_failure_reports_name_the_reason(send, receiver):
    recipients(send("+254712345406,+254712345407"))
    reports = receiver.wait_for("/reports", 2)
    assert {(r["status"], r["failureReason"]) for r in reports} == {
        ("Rejected", "UserInBlackList"),
        ("Failed", "DeliveryFailure"),
    }


def test_no_report_and_duplicate_reports(send, receiver):
    recipients(send("+254712345900"))
    (row,) = recipients(send("+254712345910"))
    reports = receiver.wait_for("/reports", 3)
    assert [r["id"] for r in reports] == [row["messageId"]] * 3


def test_a_busy_number_is_refused_twice_then_sent(send, app):
    assert [send("+254712345503").status_code for _ in range(3)] == [503, 503, 201]
    assert len(app.test_client().get("/simulator/messages").json["messages"]) == 1


def test_a_slow_answer_comes_after_the_message_was_taken(send, app):
    started = time.monotonic()
    recipients(send("+254712345950"))
    assert time.monotonic() - started >= 0.2


def test_long_and_non_gsm_messages_cost_per_part(send):
    (long_row,) = recipients(send(OK, "x" * 161))
    (swahili_row,) = recipients(send(OK, "Asante sana 🙏"))
    assert (long_row["cost"], swahili_row["cost"]) == ("KES 1.6000", "KES 0.8000")


def test_bad_requests_are_refused_in_plain_text(send, app):
    refused = send(OK, key="wrong")
    assert (refused.status_code, refused.data) == (401, b"The supplied authentication is invalid")
    assert send(OK, username="someone").status_code == 401
    assert send("").status_code == 400
    assert send(OK, message="").status_code == 400
    (row,) = recipients(send("not-a-number"))
    assert row["statusCode"] == 403
    assert app.test_client().post("/simulator/config", json={"SIM_SMS_SLOW_SECONDS": -1}).status_code == 400


def test_the_json_bulk_variant(app):
    answer = app.test_client().post(
        "/version1/messaging/bulk",
        json={"username": "sandbox", "phoneNumbers": [OK], "message": "Hi", "senderId": "TOMTIN"},
        headers={"apiKey": "test-sms-key"},
    )
    assert recipients(answer)[0]["statusCode"] == 101
    assert app.test_client().get("/simulator/messages").json["messages"][0]["sender"] == "TOMTIN"


def test_a_stop_reply_is_posted_to_the_opt_out_url(app, receiver):
    assert app.test_client().post("/simulator/opt-out", json={"phoneNumber": OK}).status_code == 200
    assert receiver.wait_for("/opt-out") == [{"senderId": "AFRICASTKNG", "phoneNumber": OK}]


def test_the_procfile_line_serves_the_simulator():
    """`make run` and the tests start it from the Procfile's sms_sim line."""
    import requests

    stack = Stack(only=("sms_sim",))
    stack.start()
    try:
        url = f"http://127.0.0.1:{stack.port('sms_sim')}"
        answer = requests.post(
            f"{url}/version1/messaging",
            data={"username": "sandbox", "to": OK, "message": "Hi"},
            headers={"apiKey": "sim-sms-key", "Accept": "application/json"},
            timeout=5,
        )
        assert answer.status_code == 201
    finally:
        stack.stop()
