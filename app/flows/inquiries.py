"""Converting a website inquiry: the person becomes a patient with a coverage of the payer
they named, and that payer is asked to verify it, in one transaction: all three, or none."""

import uuid

from app.context import Context
from app.coverages import service as coverages
from app.coverages.schemas import CoverageCreate
from app.inquiries import service as inquiries
from app.inquiries.schemas import InquiryConversion, InquiryConverted
from app.patients import service as patients
from app.patients.schemas import PatientCreate
from app.verifications import service as verifications
from app.verifications.schemas import VerificationCreate


def convert(ctx: Context, inquiry_id: uuid.UUID, body: InquiryConversion) -> InquiryConverted:
    inquiry = inquiries.open_inquiry(ctx, inquiry_id)  # locked: converted once only
    patient = patients.create_patient(
        ctx,
        PatientCreate(
            given_name=inquiry.given_name,
            family_name=inquiry.family_name,
            date_of_birth=inquiry.date_of_birth,
            email=inquiry.email,
            phone=inquiry.phone,
            sex=body.sex,
        ),
    )
    coverage = coverages.create_coverage(
        ctx,
        patient.id,
        CoverageCreate(
            payer_type=body.payer_type,
            payer_id=body.payer_id,
            payer_name=inquiry.payer_name,
            member_id=inquiry.member_id,
            group_number=body.group_number,
        ),
    )
    verification = verifications.create_verification(
        ctx,
        VerificationCreate(
            patient_id=patient.id,
            coverage_id=coverage.id,
            service_starts_on=body.service_starts_on,
            service_ends_on=body.service_ends_on,
        ),
    )
    return InquiryConverted(
        inquiry=inquiries.mark_converted(ctx, inquiry, patient.id),
        patient=patient,
        coverage=coverage,
        verification_id=verification.id,
    )
