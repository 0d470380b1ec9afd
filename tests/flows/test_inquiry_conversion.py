"""Converting a website inquiry, called as a service would: the events it leaves in its one
transaction, or none when any part of it is refused."""

import uuid
from datetime import date

import pytest
from fastapi import FastAPI

from app.errors import Unprocessable
from app.flows import inquiries as inquiry_flows
from app.inquiries import service as inquiries_service
from app.inquiries.schemas import InquiryConversion, InsuranceInquiryCreate
from app.security import Principal, Role
from tests.factories import Clinic
from tests.flows.test_care_flows import context, events_of

WEBSITE_FORM = InsuranceInquiryCreate(
    given_name="Jordan", family_name="Whitaker", date_of_birth=date(1988, 11, 2),
    email="jordan.whitaker@example.org", payer_name="Blue Harbor Health Plan",
    member_id="BHP555000111", consents_to_contact=True,
)  # fmt: skip


def submitted(app: FastAPI, clinic: Clinic) -> uuid.UUID:
    website = Principal(uuid.uuid4(), clinic.organization_id, Role.intake, None)
    with context(app, website, request_id="req-website") as ctx:
        return inquiries_service.submit(ctx, WEBSITE_FORM).id


def test_a_conversion_leaves_the_patient_coverage_and_verification_events(
    app: FastAPI, clinic: Clinic
) -> None:
    inquiry_id = submitted(app, clinic)
    staff = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    with context(app, staff, request_id="req-convert") as ctx:
        converted = inquiry_flows.convert(
            ctx, inquiry_id, InquiryConversion(payer_type="commercial", payer_id="60054")
        )
    assert [event_type for event_type, _ in events_of(app, "req-convert")] == [
        "patient.created",
        "coverage.created",
        "insurance_verification.requested",
    ]
    assert events_of(app, "req-website") == []  # an inquiry is no patient record yet
    assert converted.inquiry.patient_id == converted.patient.id


def test_a_refused_conversion_leaves_no_event(app: FastAPI, clinic: Clinic) -> None:
    inquiry_id = submitted(app, clinic)
    staff = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    ended = InquiryConversion(
        payer_type="commercial", payer_id="60054", service_ends_on=date(2026, 3, 1)
    )
    with pytest.raises(Unprocessable), context(app, staff, request_id="req-refused") as ctx:
        inquiry_flows.convert(ctx, inquiry_id, ended)
    assert events_of(app, "req-refused") == []
