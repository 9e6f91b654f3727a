"""Reading Daraja's callback bodies: fields validated one by one, items found by Name."""

from decimal import Decimal

import pytest

from payments.callbacks import BadCallback, parse_c2b, parse_stk

from .conftest import stk_body

pytestmark = pytest.mark.unit


def test_a_paid_stk_callback_gives_amount_receipt_and_phone():
    result = parse_stk(stk_body("ws_CO_1", amount=1.0))
    assert (result.checkout_request_id, result.result_code) == ("ws_CO_1", 0)
    # A JSON number becomes money through its text, never through a float's digits.
    assert result.amount == Decimal("1.0")
    assert (result.receipt, result.phone) == ("NLJ7RT61SV", "254712345678")


def test_items_are_found_by_name_not_by_position():
    body = stk_body("ws_CO_2", amount=900)
    body["Body"]["stkCallback"]["CallbackMetadata"]["Item"].reverse()
    assert parse_stk(body).amount == Decimal("900")


def test_a_failed_stk_callback_needs_no_metadata():
    result = parse_stk(stk_body("ws_CO_3", code=1032))
    assert (result.result_code, result.amount, result.receipt) == (1032, None, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda cb: cb.update(ResultCode=True), "ResultCode"),
        (lambda cb: cb.update(ResultCode="0"), "ResultCode"),
        (lambda cb: cb.pop("CheckoutRequestID"), "CheckoutRequestID"),
        (lambda cb: cb.pop("CallbackMetadata"), "CallbackMetadata.Item"),
        (lambda cb: cb["CallbackMetadata"]["Item"][0].update(Value=0), "Amount"),
        (lambda cb: cb["CallbackMetadata"]["Item"][0].update(Value="NaN"), "Amount"),
    ],
)
def test_a_bad_stk_field_is_named(change, field):
    body = stk_body("ws_CO_4")
    change(body["Body"]["stkCallback"])
    with pytest.raises(BadCallback) as caught:
        parse_stk(body)
    assert field in caught.value.errors


@pytest.mark.parametrize("body", [None, [], {"Body": {}}, {"Body": {"stkCallback": "x"}}])
def test_a_body_that_is_no_stk_callback_is_refused(body):
    with pytest.raises(BadCallback):
        parse_stk(body)


C2B = {
    "TransID": "RKTQDM7W6S",
    "TransAmount": "250.00",
    "BusinessShortCode": "600638",
    "BillRefNumber": " W-1001 ",
    "MSISDN": "2547 ***** 126",
}


def test_a_c2b_confirmation_keeps_a_masked_msisdn_as_given():
    confirmation = parse_c2b(C2B)
    assert confirmation.amount == Decimal("250.00")
    assert (confirmation.bill_ref, confirmation.msisdn, confirmation.shortcode) == (
        "W-1001",
        "2547 ***** 126",
        "600638",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("TransAmount", "-5"), ("TransAmount", False), ("BusinessShortCode", "60x"), ("TransID", "")],
)
def test_a_bad_c2b_field_is_named(field, value):
    with pytest.raises(BadCallback) as caught:
        parse_c2b({**C2B, field: value})
    assert field in caught.value.errors
