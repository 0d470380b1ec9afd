"""The partner flow's documented examples are what the service accepts and answers."""

from typing import Any

import pytest

from app.admissions.examples import AUTHORIZATION_READ, AUTHORIZATION_REQUESTS
from app.admissions.schemas import AuthorizationCreate, AuthorizationRead
from app.inquiries import examples as inquiry_examples
from app.inquiries.schemas import (
    InquiryConversion,
    InsuranceInquiryAccepted,
    InsuranceInquiryCreate,
)
from app.schemas import Page, Schema
from app.verifications import examples
from app.verifications.schemas import (
    PartnerVerificationRead,
    VerificationCreate,
    VerificationRead,
    VerificationResult,
)
from app.verifications.x12 import read_segments


@pytest.mark.parametrize(
    ("model", "example"),
    [
        (VerificationCreate, examples.CREATE),
        (VerificationRead, examples.STAFF_READ),
        (Page[PartnerVerificationRead], examples.PARTNER_PAGE),
        (PartnerVerificationRead, examples.PARTNER_COMPLETED),
        (VerificationResult, examples.RESULT_JSON),
        (InsuranceInquiryCreate, inquiry_examples.INQUIRY),
        (InquiryConversion, inquiry_examples.CONVERSION),
        (InsuranceInquiryAccepted, inquiry_examples.ACCEPTED),
        (AuthorizationRead, AUTHORIZATION_READ),
        *((AuthorizationCreate, body) for _summary, body in AUTHORIZATION_REQUESTS.values()),
    ],
)
def test_each_example_is_valid(model: type[Schema], example: dict[str, Any]) -> None:
    model.model_validate(example)


def test_the_270_example_is_an_interchange_a_partner_can_read() -> None:
    segments = read_segments(examples.INQUIRY_270)
    assert (segments[0][13], segments[2][1]) == ("000000041", "270")
    assert [s[1] for s in segments if s[0] == "EQ"] == ["MH", "AI", "A8"]
