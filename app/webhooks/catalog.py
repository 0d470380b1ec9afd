"""Which domain events a webhook subscriber hears of, under which public name, with what data.

Payloads carry ids, types, statuses and times, never clinical details.
"""

from enum import StrEnum
from typing import Any

from app.events.types import EventType


class WebhookEventType(StrEnum):
    admission_status_changed = "admission.status_changed"
    group_member_enrolled = "group.member_enrolled"
    group_member_promoted_from_waitlist = "group.member_promoted_from_waitlist"
    group_member_left = "group.member_left"
    appointment_changed = "appointment.changed"
    treatment_plan_changed = "treatment_plan.changed"
    patient_changed = "patient.changed"
    insurance_verification_requested = "insurance_verification.requested"
    insurance_verification_completed = "insurance_verification.completed"
    authorization_recorded = "authorization.recorded"
    attendance_recorded = "attendance.recorded"
    alert_raised = "alert.raised"
    drug_screen_recorded = "drug_screen.recorded"


_ADMISSION_STATUS = {
    EventType.admission_approved: "approved",
    EventType.admission_active: "active",
    EventType.admission_on_hold: "on_hold",
    EventType.admission_discharged: "discharged",
    EventType.admission_cancelled: "cancelled",
}
# A verification that ends says how: completed (benefits verified) or failed.
_VERIFICATION_OUTCOME = {
    EventType.insurance_verification_completed: "completed",
    EventType.insurance_verification_failed: "failed",
}
_PUBLIC: dict[EventType, WebhookEventType] = {
    **dict.fromkeys(_ADMISSION_STATUS, WebhookEventType.admission_status_changed),
    EventType.group_membership_enrolled: WebhookEventType.group_member_enrolled,
    EventType.group_membership_promoted: WebhookEventType.group_member_promoted_from_waitlist,
    EventType.group_membership_ended: WebhookEventType.group_member_left,
    EventType.appointment_changed: WebhookEventType.appointment_changed,
    EventType.treatment_plan_saved: WebhookEventType.treatment_plan_changed,
    EventType.treatment_plan_ended: WebhookEventType.treatment_plan_changed,
    EventType.patient_created: WebhookEventType.patient_changed,
    EventType.patient_updated: WebhookEventType.patient_changed,
    EventType.patient_deleted: WebhookEventType.patient_changed,
    EventType.insurance_verification_requested: WebhookEventType.insurance_verification_requested,
    **dict.fromkeys(_VERIFICATION_OUTCOME, WebhookEventType.insurance_verification_completed),
    EventType.authorization_recorded: WebhookEventType.authorization_recorded,
    EventType.attendance_recorded: WebhookEventType.attendance_recorded,
    EventType.alert_raised: WebhookEventType.alert_raised,
    EventType.drug_screen_recorded: WebhookEventType.drug_screen_recorded,
}


def public_type(event_type: str) -> WebhookEventType | None:
    """The webhook event a domain event is published as; None when it is not published."""
    try:
        return _PUBLIC.get(EventType(event_type))
    except ValueError:
        return None


def payload(
    event_id: str,
    event_type: str,
    occurred_at: str,
    subject: dict[str, str],
    patient_id: str | None,
) -> dict[str, Any]:
    """The JSON body a subscriber receives (Standard Webhooks: type, timestamp, data)."""
    data: dict[str, Any] = dict(subject)
    if patient_id is not None:
        data["patient_id"] = patient_id
    domain_type = EventType(event_type)
    if domain_type in _ADMISSION_STATUS:
        data["status"] = _ADMISSION_STATUS[domain_type]
    elif domain_type in _VERIFICATION_OUTCOME:
        data["status"] = _VERIFICATION_OUTCOME[domain_type]
    elif domain_type == EventType.patient_deleted:
        data["deleted"] = True
    public = public_type(event_type)
    assert public is not None
    return {"id": event_id, "type": public.value, "timestamp": occurred_at, "data": data}
