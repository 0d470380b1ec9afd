"""A partner's answer to a verification request: the request closes and, when the payer
verified benefits, the coverage takes them as `verified` (so the next estimate uses them)."""

import uuid

from app.context import Context
from app.coverages import service as coverages
from app.coverages.schemas import Benefits
from app.errors import Unprocessable
from app.verifications import service as verifications
from app.verifications.schemas import PartnerVerificationRead, VerificationResult


def answer_with_json(
    ctx: Context, verification_id: uuid.UUID, result: VerificationResult
) -> PartnerVerificationRead:
    verification = verifications.payer_verification(ctx, verification_id, for_update=True)
    verified_on = result.verified_on or ctx.now.date()
    if verified_on > ctx.now.date():
        raise Unprocessable("verified_on cannot be in the future.")
    if result.benefits is not None:
        coverages.record_verified_benefits(
            ctx, verification.coverage_id, result.benefits, verified_on
        )
    return verifications.record_outcome(
        ctx,
        verification,
        benefits=None
        if result.benefits is None
        else result.benefits.model_dump(mode="json", exclude_none=True),
        verified_on=verified_on if result.benefits is not None else None,
        failure_reason=result.failure_reason,
        answered_as="json",
    )


def answer_with_x12(
    ctx: Context, verification_id: uuid.UUID, document: str
) -> PartnerVerificationRead:
    """A 271: read and checked whole before anything changes."""
    verification = verifications.payer_verification(ctx, verification_id, for_update=True)
    member_id = coverages.member_id_of(ctx, verification.coverage_id)
    response = verifications.read_271(verification, member_id, document)
    verified_on = min(response.verified_on or ctx.now.date(), ctx.now.date())
    failure = response.rejection or (
        None if response.is_active else "the 271 reports no active coverage (no EB*1)"
    )
    benefits = None
    if failure is None:
        try:
            benefits = Benefits.model_validate(response.benefits)
        except ValueError as error:
            raise verifications.InvalidX12(
                f"EB: the benefits do not add up ({error}).", segment="EB", reason=str(error)
            ) from None
        coverages.record_verified_benefits(ctx, verification.coverage_id, benefits, verified_on)
    return verifications.record_outcome(
        ctx,
        verification,
        benefits=None if benefits is None else benefits.model_dump(mode="json", exclude_none=True),
        verified_on=None if benefits is None else verified_on,
        failure_reason=failure,
        answered_as="x12",
    )
