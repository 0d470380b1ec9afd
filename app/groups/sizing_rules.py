"""Group sizing (domain reference §4): how many groups of which sizes a cohort fills.

Pure functions over plain values; size bounds come from `ProgramSettings` (default 8 to 15).
"""

from collections.abc import Mapping
from typing import Literal, Self

from pydantic import Field, model_validator

from app.groups.criteria import Criterion, unmet_criteria
from app.schemas import Schema


def group_sizes(count: int, min_size: int, max_size: int) -> list[int]:
    """Sizes of the groups `count` patients fill, largest first; the rest stay unplaced."""
    fewest_groups = -(-count // max_size)
    most_groups = count // min_size
    if 0 < fewest_groups <= most_groups:
        # Fewest groups that hold everyone (each group costs a therapist), split evenly:
        # 31 with 8 to 15 gives 11, 10, 10.
        size, larger = divmod(count, fewest_groups)
        return [size + 1] * larger + [size] * (fewest_groups - larger)
    # No number of groups holds everyone within bounds (16 with 9 to 15): as many groups as the
    # minimum allows, each at the maximum; the remainder is then below the minimum.
    return [max_size] * most_groups


UnplacedReason = Literal[
    "too_few_for_group", "criteria_not_met", "unknown_specialization", "no_complete_group"
]


class Specialization(Schema):
    """A kind of group and who may join it (§4: men, women, veterans, adolescents…)."""

    name: str | None = Field(
        None, min_length=1, description="None is the general group.", examples=["veterans"]
    )
    criteria: list[Criterion] = Field(
        default_factory=list, description="Every criterion must be met; empty admits anyone."
    )


class SizingPatient(Schema):
    """One patient to place; counts per specialization become anonymous patients."""

    patient_id: str = Field(min_length=1, examples=["p-017"])
    specialization: str | None = Field(
        None, description="Group kind asked for; None is the general group.", examples=["veterans"]
    )
    profile: Mapping[str, object] | None = Field(
        None,
        description="Checked against the specialization's criteria; when omitted, the caller"
        " vouches that the patient fits.",
        examples=[{"age": 34, "sex": "male", "is_veteran": True, "tags": ["co_occurring"]}],
    )


class SizingRequest(Schema):
    """Patients to split into groups of `min_size` to `max_size` members."""

    min_size: int = Field(ge=1, le=100, examples=[8])
    max_size: int = Field(ge=1, le=100, examples=[15])
    specializations: list[Specialization] = Field(
        default_factory=list,
        description="The general group (name None) exists without being listed; list it to"
        " give it criteria.",
    )
    patients: list[SizingPatient]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = []
        if self.min_size > self.max_size:
            problems.append("min_size must not exceed max_size")
        names = [specialization.name for specialization in self.specializations]
        if len(set(names)) < len(names):
            problems.append("specialization names must be unique")
        patient_ids = [patient.patient_id for patient in self.patients]
        if len(set(patient_ids)) < len(patient_ids):
            problems.append("patient_id must be unique")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ProposedGroup(Schema):
    """One group to open, with its members in the order they were given."""

    specialization: str | None = Field(
        examples=["veterans"], description="None is the general group."
    )
    patient_ids: list[str] = Field(examples=[["veterans-1", "veterans-2", "veterans-3"]])


class Unplaced(Schema):
    """A patient the plan leaves out, and why."""

    patient_id: str = Field(examples=["veterans-9"])
    specialization: str | None = Field(examples=["veterans"])
    reason_code: UnplacedReason = Field(examples=["too_few_for_group"])
    message: str = Field(
        examples=["Only 5 patients for the veterans group; a group needs at least 8."]
    )


class SizingPlan(Schema):
    """Groups to open, in the order specializations were listed, and who is left out."""

    proposed_groups: list[ProposedGroup]
    unplaced: list[Unplaced] = Field(description="In the order patients were given.")


def plan_groups(request: SizingRequest) -> SizingPlan:
    """Split patients into groups of their own specialization, each within the size bounds."""
    criteria_by_name = {spec.name: spec.criteria for spec in request.specializations}
    criteria_by_name.setdefault(None, [])
    fitting: dict[str | None, list[str]] = {name: [] for name in criteria_by_name}
    unplaced: dict[str, Unplaced] = {}
    for patient in request.patients:
        rejection = _rejection(patient, criteria_by_name)
        if rejection:
            unplaced[patient.patient_id] = rejection
        else:
            fitting[patient.specialization].append(patient.patient_id)

    proposed_groups = []
    for name, patient_ids in fitting.items():
        # Patients keep the caller's order, so whoever comes last is the one left over.
        placed = 0
        for size in group_sizes(len(patient_ids), request.min_size, request.max_size):
            proposed_groups.append(
                ProposedGroup(specialization=name, patient_ids=patient_ids[placed : placed + size])
            )
            placed += size
        for patient_id in patient_ids[placed:]:
            unplaced[patient_id] = _leftover(patient_id, name, len(patient_ids), placed, request)

    return SizingPlan(
        proposed_groups=proposed_groups,
        unplaced=[unplaced[p.patient_id] for p in request.patients if p.patient_id in unplaced],
    )


def _rejection(
    patient: SizingPatient, criteria_by_name: Mapping[str | None, list[Criterion]]
) -> Unplaced | None:
    name = patient.specialization
    if name not in criteria_by_name:
        return Unplaced(
            patient_id=patient.patient_id,
            specialization=name,
            reason_code="unknown_specialization",
            message=f"No specialization named {name!r} in this request.",
        )
    if patient.profile is None:
        return None  # counts expanded into anonymous patients: the caller vouches for the fit
    # §4: a patient joins a group only if they fit its criteria.
    unmet = unmet_criteria(criteria_by_name[name], patient.profile)
    if not unmet:
        return None
    return Unplaced(
        patient_id=patient.patient_id,
        specialization=name,
        reason_code="criteria_not_met",
        message=f"Does not fit the {_label(name)} group: {'; '.join(unmet)}.",
    )


def _leftover(
    patient_id: str, name: str | None, count: int, placed: int, request: SizingRequest
) -> Unplaced:
    if placed == 0:
        reason: UnplacedReason = "too_few_for_group"
        message = (
            f"Only {count} patients for the {_label(name)} group;"
            f" a group needs at least {request.min_size}."
        )
    else:
        reason = "no_complete_group"
        message = (
            f"{count} patients for the {_label(name)} group do not split into groups of"
            f" {request.min_size} to {request.max_size}; left for the next group or the waitlist."
        )
    return Unplaced(patient_id=patient_id, specialization=name, reason_code=reason, message=message)


def _label(name: str | None) -> str:
    return "general" if name is None else name
