"""Who may approve clinical documentation: a licensed staff member, not a key.

A clinician key names the staff member who holds it (`ApiKey.staff_id`). Issuing one needs that
person on record, active, with a credential and a license number; approving needs the
credential to be one the admission's program accepts (`approving_credentials`,
docs/domain.md §3.5). The check is repeated at every approval, so a deactivated staff member or
a program that stops accepting a credential stops the key's approvals at once.
"""

import uuid

from app.context import Context
from app.errors import FieldError, Forbidden, Unprocessable
from app.programs.models import StaffMember
from app.programs.settings import ProgramSettings


class NotLicensedToApprove(Forbidden):
    slug, title = "not-licensed-to-approve", "Approval needs a licensed staff member"


def credential_key(credential: str) -> str:
    # "M.D.", "md" and "MD" are the same credential.
    return credential.replace(".", "").replace(" ", "").casefold()


def key_holder(ctx: Context, staff_id: uuid.UUID) -> StaffMember:
    """The staff member a new clinician key is issued to; 422 naming `staff_id` otherwise."""
    staff = ctx.session.scalar(ctx.select(StaffMember).where(StaffMember.id == staff_id))
    problem = None
    if staff is None:
        problem = ("unknown_staff", "No staff member with this id in your organization.")
    elif not staff.is_active:
        problem = ("inactive_staff", "The staff member is no longer active.")
    elif not staff.credential or not staff.license_number:
        problem = ("not_licensed", "Record the staff member's credential and license number.")
    if problem is not None:
        code, message = problem
        error = FieldError(field="staff_id", code=code, message=message)
        raise Unprocessable("A clinician key belongs to a licensed staff member.", errors=[error])
    assert staff is not None
    return staff


def approver(ctx: Context, settings: ProgramSettings) -> StaffMember:
    """The licensed staff member approving through this request's key, or 403."""
    staff_id = ctx.principal.staff_id
    staff = (
        None
        if staff_id is None
        else ctx.session.scalar(ctx.select(StaffMember).where(StaffMember.id == staff_id))
    )
    if staff is None:
        raise NotLicensedToApprove(
            "This key names no staff member: ask an admin for a clinician key issued with"
            " your staff_id."
        )
    accepted = {credential_key(credential) for credential in settings.approving_credentials}
    if not staff.is_active or not staff.license_number:
        raise NotLicensedToApprove("The key's staff member is inactive or has no license number.")
    if staff.credential is None or credential_key(staff.credential) not in accepted:
        raise NotLicensedToApprove(
            f"This program does not accept the credential {staff.credential!r} for approvals"
            " (`approving_credentials`)."
        )
    return staff
