"""The shared phone normaliser accepts the four Kenyan formats and rejects everything else."""

import pytest

from common.phone import InvalidPhone, normalise_phone

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0712345678", "254712345678"),
        ("0112345678", "254112345678"),
        ("+254712345678", "254712345678"),
        ("254112345678", "254112345678"),
        (" 0712 345 678 ", "254712345678"),
        ("0712-345-678", "254712345678"),
    ],
)
def test_accepted_formats_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "712345678",
        "0812345678",
        "25471234567",
        "2547123456789",
        "+255712345678",
        "07123456ab",
        "+0712345678",
    ],
)
def test_other_text_is_rejected(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)


def test_non_text_is_rejected():
    with pytest.raises(InvalidPhone):
        normalise_phone(712345678)
