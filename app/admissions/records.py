"""Records that belong to an admission (home assignments, case tasks, drug screens): loaded
through their admission, so a record of another admission is a 404 like a missing one, and a
closed admission takes no new one."""

import uuid
from typing import TypeVar

from app.admissions.errors import AdmissionClosed
from app.admissions.models import Admission
from app.context import Context
from app.db import OrganizationScoped
from app.errors import NotFound
from app.vocabulary import AdmissionStatus

CLOSED = frozenset({AdmissionStatus.discharged, AdmissionStatus.cancelled})


RecordT = TypeVar("RecordT", bound=OrganizationScoped)


def open_admission(
    ctx: Context, admission_id: uuid.UUID, what: str, *, for_update: bool = False
) -> Admission:
    """The admission, unless it is discharged or cancelled: then `what` is refused (409)."""
    admission = ctx.get(Admission, admission_id, for_update=for_update)
    if admission.status in CLOSED:
        raise AdmissionClosed(f"The admission is {admission.status}: {what}.")
    return admission


def record_of(
    ctx: Context,
    model: type[RecordT],
    admission_id: uuid.UUID,
    record_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> RecordT:
    """A record of this admission; one of another admission answers 404."""
    admission = ctx.get(Admission, admission_id)
    record = ctx.get(model, record_id, for_update=for_update)
    if getattr(record, "admission_id", None) != admission.id:
        label = model.__tablename__.replace("_", " ")
        raise NotFound(f"Admission {admission_id} has no {label} {record_id}.")
    return record
