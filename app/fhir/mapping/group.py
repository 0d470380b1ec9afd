"""Group: a therapy group, its criteria as characteristics and its members with their periods.

Members are the patients who hold a seat, or held one (`inactive`, their period ended); the
waitlist holds no seat and is not listed. Criteria are ANDed, as characteristics are; an `in`
criterion is one characteristic whose concept lists each value it accepts.
"""

from typing import Any

from app.fhir.codes import (
    CRITERION_ATTRIBUTE_SYSTEM,
    CRITERION_VALUE_SYSTEM,
    GROUP_TOPIC_SYSTEM,
    UCUM,
)
from app.fhir.mapping.common import coding, concept, instant, meta, reference
from app.groups.criteria import Criterion, Scalar
from app.groups.schemas import GroupRead, MembershipRead
from app.vocabulary import GroupStatus, MembershipStatus


def group_resource(group: GroupRead, members: list[MembershipRead]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Group",
        "id": str(group.id),
        "meta": meta(group.version, group.updated_at),
        "active": group.status is not GroupStatus.CLOSED,
        "type": "person",
        "actual": True,
        "code": concept(GROUP_TOPIC_SYSTEM, group.topic.value),
        "name": group.name,
        "quantity": group.enrolled_count,
    }
    if group.criteria:
        resource["characteristic"] = [_characteristic(c) for c in group.criteria]
    if member_entries := [_member(m) for m in members]:
        resource["member"] = member_entries
    return resource


def _member(membership: MembershipRead) -> dict[str, Any]:
    period = {}
    if membership.enrolled_at is not None:
        period["start"] = instant(membership.enrolled_at)
    if membership.ended_at is not None:
        period["end"] = instant(membership.ended_at)
    return {
        "entity": reference("Patient", membership.patient_id),
        **({"period": period} if period else {}),
        "inactive": membership.status is not MembershipStatus.enrolled,
    }


def _characteristic(criterion: Criterion) -> dict[str, Any]:
    value: dict[str, Any]
    match criterion.operator, criterion.value:
        case "is_true", _:
            value = {"valueBoolean": True}
        case "between", [low, high]:
            bounds = {"low": _quantity(criterion, low), "high": _quantity(criterion, high)}
            value = {"valueRange": bounds}
        case "in", list(accepted):
            value = {
                "valueCodeableConcept": {
                    "coding": [coding(CRITERION_VALUE_SYSTEM, str(v)) for v in accepted],
                    "text": "one of: " + ", ".join(str(v) for v in accepted),
                }
            }
        case _, bool(flag):
            value = {"valueBoolean": flag}
        case "equals", int() | float() as number:
            value = {"valueQuantity": _quantity(criterion, number)}
        case _, wanted:
            value = {"valueCodeableConcept": concept(CRITERION_VALUE_SYSTEM, str(wanted))}
    return {
        "code": concept(CRITERION_ATTRIBUTE_SYSTEM, criterion.attribute),
        **value,
        "exclude": False,
    }


def _quantity(criterion: Criterion, number: Scalar) -> dict[str, Any]:
    if criterion.attribute == "age":  # years, as the age rule counts them
        return {"value": number, "unit": "years", "system": UCUM, "code": "a"}
    return {"value": number}
