"""Attendance failures, each with its own stable problem type."""

from app.attendance.marks import Refusal, RefusalCode
from app.errors import Conflict, DomainError, NotFound, Unprocessable


class SessionNotStarted(Conflict):
    slug, title = "session-not-started", "The session has not started yet"


class AppointmentCancelled(Conflict):
    slug, title = "appointment-cancelled", "The appointment was cancelled"


class TreatmentNotStarted(Conflict):
    slug, title = "treatment-not-started", "The first attendance could not start the admission"


_BY_CODE: dict[RefusalCode, type[DomainError]] = {
    RefusalCode.unknown_appointment: NotFound,
    RefusalCode.before_session: SessionNotStarted,
    RefusalCode.appointment_cancelled: AppointmentCancelled,
    RefusalCode.admission_not_started: TreatmentNotStarted,
}


def refusal_error(refusal: Refusal) -> DomainError:
    """The problem a refused mark answers when it was sent alone."""
    error_type = _BY_CODE.get(refusal.code, Unprocessable)
    return error_type(refusal.message, code=refusal.code.value)
