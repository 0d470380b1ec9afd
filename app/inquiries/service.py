"""Insurance inquiries: submitted by the website's intake key, worked by staff, deleted when
the organization's retention period is over. Every read and change is audited."""

import uuid
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Select, delete, select

from app.access.models import Organization
from app.context import AuditAction, Context
from app.errors import FieldError, InvalidTransition, Unprocessable
from app.inquiries.models import InsuranceInquiry
from app.inquiries.schemas import (
    CloseReason,
    InquiryAssignment,
    InquiryClosure,
    InquiryStatus,
    InsuranceInquiryAccepted,
    InsuranceInquiryCreate,
    InsuranceInquiryRead,
)
from app.pagination import PageParams, fetch_page
from app.programs.models import StaffMember

RESOURCE = "insurance_inquiry"


def submit(ctx: Context, body: InsuranceInquiryCreate) -> InsuranceInquiryAccepted:
    if body.date_of_birth > ctx.now.date():
        message = "The date of birth is in the future."
        error = FieldError(field="date_of_birth", code="in_future", message=message)
        raise Unprocessable(message, errors=[error])
    inquiry = InsuranceInquiry(
        organization_id=ctx.organization_id,
        **body.model_dump(),
        status="new",
    )
    ctx.session.add(inquiry)
    ctx.session.flush()
    ctx.audit(AuditAction.create, RESOURCE, inquiry.id)
    return InsuranceInquiryAccepted(id=inquiry.id)


def list_inquiries(
    ctx: Context, params: PageParams, status: InquiryStatus | None
) -> tuple[list[InsuranceInquiryRead], int]:
    statement: Select[InsuranceInquiry] = ctx.select(InsuranceInquiry)
    if status is not None:
        statement = statement.where(InsuranceInquiry.status == status)
    rows, total = fetch_page(ctx.session, statement.order_by(InsuranceInquiry.id), params)
    ctx.audit(AuditAction.list, RESOURCE, [row.id for row in rows])
    retention = retention_days(ctx)
    return [inquiry_read(row, retention) for row in rows], total


def read_inquiry(ctx: Context, inquiry_id: uuid.UUID) -> InsuranceInquiryRead:
    inquiry = ctx.get(InsuranceInquiry, inquiry_id)
    ctx.audit(AuditAction.read, RESOURCE, inquiry.id)
    return inquiry_read(inquiry, retention_days(ctx))


def assign(ctx: Context, inquiry_id: uuid.UUID, body: InquiryAssignment) -> InsuranceInquiryRead:
    inquiry = open_inquiry(ctx, inquiry_id)
    staff_member = ctx.get(StaffMember, body.staff_member_id)
    inquiry.assigned_to_staff_id = staff_member.id
    inquiry.assigned_at = ctx.now
    inquiry.status = "assigned"
    ctx.session.flush()
    ctx.audit(AuditAction.update, RESOURCE, inquiry.id)
    return inquiry_read(inquiry, retention_days(ctx))


def close(ctx: Context, inquiry_id: uuid.UUID, body: InquiryClosure) -> InsuranceInquiryRead:
    """End an inquiry that will not become a patient. Closing is final: should the person come
    back, staff register them as a patient, or the website takes a new inquiry."""
    inquiry = open_inquiry(ctx, inquiry_id)
    inquiry.status = "closed"
    inquiry.closed_at = ctx.now
    inquiry.close_reason = body.reason
    inquiry.close_note = body.note
    ctx.session.flush()
    ctx.audit(AuditAction.transition, RESOURCE, inquiry.id)
    return inquiry_read(inquiry, retention_days(ctx))


def open_inquiry(ctx: Context, inquiry_id: uuid.UUID) -> InsuranceInquiry:
    """The inquiry, locked, if staff still follow it up (to assign, convert or close it); a
    converted or closed one is done."""
    inquiry = ctx.get(InsuranceInquiry, inquiry_id, for_update=True)
    if inquiry.status == "converted":
        raise InvalidTransition(
            f"The inquiry was converted to patient {inquiry.patient_id}; nothing to follow up.",
            current_state="converted",
        )
    if inquiry.status == "closed":
        raise InvalidTransition(
            f"The inquiry was closed ({inquiry.close_reason}); nothing to follow up.",
            current_state="closed",
        )
    return inquiry


def mark_converted(
    ctx: Context, inquiry: InsuranceInquiry, patient_id: uuid.UUID
) -> InsuranceInquiryRead:
    inquiry.status = "converted"
    inquiry.patient_id = patient_id
    inquiry.converted_at = ctx.now
    ctx.session.flush()
    ctx.audit(AuditAction.transition, RESOURCE, inquiry.id, patient_id=patient_id)
    return inquiry_read(inquiry, retention_days(ctx))


def purge_expired(ctx: Context) -> int:
    """Delete the inquiries older than the organization's retention period (a day counted
    from when each was received); returns how many. Converted ones too: what care needs was
    copied to the patient record."""
    cutoff = ctx.now - timedelta(days=retention_days(ctx))
    expired = list(
        ctx.session.scalars(
            select(InsuranceInquiry.id).where(
                *ctx.scope(InsuranceInquiry), InsuranceInquiry.created_at < cutoff
            )
        )
    )
    if not expired:
        return 0
    ctx.session.execute(
        delete(InsuranceInquiry)
        .where(*ctx.scope(InsuranceInquiry), InsuranceInquiry.id.in_(expired))
        .execution_options(synchronize_session=False)
    )
    ctx.audit(AuditAction.delete, RESOURCE, expired)
    return len(expired)


def retention_days(ctx: Context) -> int:
    return ctx.session.get_one(Organization, ctx.organization_id).inquiry_retention_days


def inquiry_read(inquiry: InsuranceInquiry, retention: int) -> InsuranceInquiryRead:
    received_on: date = inquiry.created_at.date()
    return InsuranceInquiryRead(
        id=inquiry.id,
        given_name=inquiry.given_name,
        family_name=inquiry.family_name,
        date_of_birth=inquiry.date_of_birth,
        email=inquiry.email,
        phone=inquiry.phone,
        payer_name=inquiry.payer_name,
        member_id=inquiry.member_id,
        consents_to_contact=inquiry.consents_to_contact,
        status=cast(InquiryStatus, inquiry.status),
        assigned_to_staff_id=inquiry.assigned_to_staff_id,
        assigned_at=inquiry.assigned_at,
        patient_id=inquiry.patient_id,
        converted_at=inquiry.converted_at,
        closed_at=inquiry.closed_at,
        close_reason=cast(CloseReason | None, inquiry.close_reason),
        close_note=inquiry.close_note,
        received_at=inquiry.created_at,
        deleted_after=received_on + timedelta(days=retention),
        version=inquiry.version,
    )  # fmt: skip
