"""The domain events of group memberships."""

from app.context import Context
from app.events.types import DomainEvent, EventType
from app.groups.models import GroupMembership, TherapyGroup


def emit_membership(ctx: Context, event_type: EventType, membership: GroupMembership) -> None:
    subject = {"group_id": membership.group_id, "group_membership_id": membership.id}
    ctx.emit(DomainEvent(event_type, subject, patient_id=membership.patient_id))


def emit_group(ctx: Context, event_type: EventType, group: TherapyGroup) -> None:
    ctx.emit(DomainEvent(event_type, {"group_id": group.id, "program_id": group.program_id}))
