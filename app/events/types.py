"""The domain events: typed values naming what happened, to which ids.

A change emits its event where it is made (the service that writes the row), inside the
request's transaction, so every flow leaves the events of everything it changed.
"""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class EventType(StrEnum):
    patient_created = "patient.created"
    patient_updated = "patient.updated"
    patient_deleted = "patient.deleted"
    admission_created = "admission.created"
    admission_reassessed = "admission.reassessed"
    # One per status an admission moves to (`admissions.service.move`).
    admission_approved = "admission.approved"
    admission_active = "admission.active"
    admission_on_hold = "admission.on_hold"
    admission_discharged = "admission.discharged"
    admission_cancelled = "admission.cancelled"
    group_membership_enrolled = "group_membership.enrolled"
    group_membership_waitlisted = "group_membership.waitlisted"
    group_membership_promoted = "group_membership.promoted"
    group_membership_ended = "group_membership.ended"
    group_changed = "group.changed"
    group_closed = "group.closed"
    appointment_changed = "appointment.changed"
    treatment_plan_saved = "treatment_plan.saved"
    treatment_plan_ended = "treatment_plan.ended"
    coverage_created = "coverage.created"
    coverage_updated = "coverage.updated"
    coverage_deleted = "coverage.deleted"
    cost_estimate_saved = "cost_estimate.saved"
    good_faith_estimate_issued = "good_faith_estimate.issued"
    insurance_verification_requested = "insurance_verification.requested"
    insurance_verification_completed = "insurance_verification.completed"
    insurance_verification_failed = "insurance_verification.failed"
    insurance_verification_cancelled = "insurance_verification.cancelled"
    authorization_recorded = "authorization.recorded"
    attendance_recorded = "attendance.recorded"
    alert_raised = "alert.raised"
    drug_screen_recorded = "drug_screen.recorded"
    home_assignment_changed = "home_assignment.changed"
    case_task_changed = "case_task.changed"


@dataclass(frozen=True)
class DomainEvent:
    """`subject` holds ids only (admission, group, plan…), never patient data; `patient_id`
    says whose record the event concerns, so listeners apply the API's privacy rules."""

    type: EventType
    subject: dict[str, uuid.UUID] = field(default_factory=dict)
    patient_id: uuid.UUID | None = None
