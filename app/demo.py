"""A small, realistic data set so a newcomer can see the service working.

Everything goes through the same services the API uses, acting as the demo admin key, so the
demo data is valid by the same rules and its creation is audited like any other.

The demo clinic is loaded once per database. Run again, it finds the clinic by its name and
leaves its data as it is; every run issues fresh keys (keys are stored hashed, so earlier ones
cannot be shown again, and they keep working)."""

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import service as access_service
from app.access.models import Organization
from app.access.schemas import ApiKeyCreate
from app.admissions import service as admissions_service
from app.admissions.assessment import Assessment
from app.admissions.examples import REQUESTS
from app.admissions.schemas import AdmissionCreate, Approval, Start
from app.context import Context
from app.flows import groups as group_flows
from app.flows import plans as plan_flows
from app.groups import service as groups_service
from app.groups.schemas import GroupCreate, MembershipCreate
from app.groups.service import GroupFilters
from app.pagination import PageParams
from app.patients import service as patients_service
from app.patients.schemas import PatientCreate
from app.programs import service as programs_service
from app.programs.models import StaffMember
from app.programs.schemas import ProgramCreate, RoomCreate, StaffCreate
from app.scheduling.schemas import TreatmentPlanCreate
from app.security import Principal, Role

DEMO_ORGANIZATION = "Riverbend Recovery (demo)"
# Where `iop serve` and `scripts/serve` listen by default.
SERVICE_URL = "http://127.0.0.1:8000"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")

GROUPS: list[dict[str, Any]] = [
    {"name": "Evening process group", "topic": "process"},
    {"name": "Women's relapse prevention", "topic": "relapse_prevention", "specialization": "women",
     "criteria": [{"attribute": "gender_identity", "operator": "in", "value": ["woman"]}],
     "weekdays": ["monday"], "start_time": "19:30", "duration_minutes": 90, "max_size": 12},
    {"name": "Veterans process group", "topic": "process", "specialization": "veterans",
     "criteria": [{"attribute": "is_veteran", "operator": "is_true"}], "weekdays": ["wednesday"],
     "start_time": "19:30", "duration_minutes": 90, "max_size": 12},
]  # fmt: skip

PATIENTS = [
    {"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17", "sex": "male",
     "is_veteran": True, "tags": ["trauma_survivor"]},
    {"given_name": "Jordan", "family_name": "Lee", "date_of_birth": "1985-11-02", "sex": "female",
     "gender_identity": "woman", "tags": ["co_occurring"]},
    {"given_name": "Sam", "family_name": "Okafor", "date_of_birth": "1978-01-23", "sex": "male",
     "is_veteran": True},
    {"given_name": "Casey", "family_name": "Nguyen", "date_of_birth": "1996-07-09", "sex": "female",
     "gender_identity": "woman", "tags": ["lgbtq"]},
    {"given_name": "Riley", "family_name": "Martins", "date_of_birth": "2001-03-30", "sex": "other",
     "gender_identity": "non-binary", "tags": ["lgbtq", "trauma_survivor"]},
    {"given_name": "Morgan", "family_name": "Shaw", "date_of_birth": "1969-09-14", "sex": "male"},
]  # fmt: skip


def load_demo(session: Session, secret: str, database: str) -> Iterator[str]:
    """Load the demo clinic into `database` unless it is there already; either way, print
    fresh keys, a patient, a group and a first call to make."""
    organization = session.scalar(
        select(Organization)
        .where(Organization.name == DEMO_ORGANIZATION)
        .order_by(Organization.created_at, Organization.id)
        .limit(1)
    )
    is_new = organization is None
    if organization is None:
        organization = access_service.create_organization(session, DEMO_ORGANIZATION)
        yield f"Loading the demo clinic {DEMO_ORGANIZATION!r} into {database}."
    else:
        yield (
            f"The demo clinic {DEMO_ORGANIZATION!r} is already in {database}"
            f" (loaded {organization.created_at:%Y-%m-%d %H:%M} UTC); its data is left as it is."
        )
    yield f"organization id: {organization.id}"
    yield "Fresh API keys, one per role (shown only once; earlier demo keys keep working):"
    key_ids, raw_keys = {}, {}
    clinician_id = _demo_clinician(session, organization.id)
    for role in Role:
        payer_id = "demo-health-plan" if role == Role.payer else None
        staff_id = clinician_id if role == Role.clinician else None
        request = ApiKeyCreate(
            name=f"demo {role} key", role=role, payer_id=payer_id, staff_id=staff_id
        )
        key, raw_keys[role] = access_service.issue_key(session, organization.id, request, secret)
        key_ids[role] = key.id
        yield f"{role} key: {raw_keys[role]}"
    now = datetime.now(UTC)

    def acting_as(role: Role) -> Context:
        staff_id = clinician_id if role == Role.clinician else None
        principal = Principal(key_ids[role], organization.id, role, None, staff_id)
        return Context(session, principal, None, now)

    if is_new:
        yield from _load_clinic(acting_as, now)
    yield from _examples(acting_as(Role.admin), raw_keys[Role.staff])


# The licensed clinician who holds the demo's clinician key and approves its admissions.
DEMO_CLINICIAN = {"name": "Dr. Ada Reyes", "credential": "MD", "license_number": "A12345",
                  "session_kinds": ["individual", "family"]}  # fmt: skip


def _demo_clinician(session: Session, organization_id: uuid.UUID) -> uuid.UUID:
    ctx = Context(
        session, Principal(None, organization_id, Role.admin, None), None, datetime.now(UTC)
    )
    found = session.scalar(
        ctx.select(StaffMember).where(StaffMember.name == DEMO_CLINICIAN["name"]).limit(1)
    )
    if found is not None:
        return found.id
    return programs_service.create_staff(ctx, StaffCreate.model_validate(DEMO_CLINICIAN)).id


def _examples(ctx: Context, staff_key: str) -> Iterator[str]:
    patients, _ = patients_service.search_patients(ctx, PageParams(1, 0))
    for patient in patients:
        yield (
            f"a patient: {patient.given_name} {patient.family_name},"
            f" born {patient.date_of_birth}, id {patient.id}"
        )
    groups, _ = groups_service.list_groups(ctx, GroupFilters(), PageParams(1, 0))
    for group in groups:
        days = " and ".join(day.capitalize() for day in group.weekdays)
        yield (
            f"a group: {group.name!r}, {days} at {group.start_time:%H:%M},"
            f" {group.enrolled_count} of {group.max_size} seats taken, id {group.id}"
        )
    yield "Try it with the service running (scripts/serve), e.g. list the patients as staff:"
    yield f'  curl -H "Authorization: Bearer {staff_key}" {SERVICE_URL}/v1/patients'


def _load_clinic(acting_as: Callable[[Role], Context], now: datetime) -> Iterator[str]:
    ctx = acting_as(Role.admin)

    evening = programs_service.create_program(
        ctx,
        ProgramCreate.model_validate({
            "name": "Adult IOP – Evening", "track": "evening", "time_zone": "America/New_York",
            "operating_hours": {day: {"opens": "17:30", "closes": "21:00"} for day in WEEKDAYS},
            "country": "US", "subdivision": "MA",
        }),
    )  # fmt: skip
    programs_service.create_program(
        ctx,
        ProgramCreate.model_validate({
            "name": "Adult IOP – Day", "track": "day", "time_zone": "America/New_York",
            "operating_hours": {day: {"opens": "09:00", "closes": "13:00"} for day in WEEKDAYS},
            "country": "US", "subdivision": "MA",
        }),
    )  # fmt: skip
    yield f"programs: day and evening tracks; evening program id {evening.id}"

    staff_ids = []
    for staff in (
        {"name": "Dana Whitfield", "credential": "LPC", "license_number": "LPC-20417",
         "session_kinds": ["group", "individual", "education"]},
        {"name": "Theo Brandt", "credential": "MT-BC", "session_kinds": ["complementary"],
         "therapies": ["music"]},
    ):  # fmt: skip
        staff_ids.append(programs_service.create_staff(ctx, StaffCreate.model_validate(staff)).id)
    room_ids = [
        programs_service.create_room(ctx, RoomCreate.model_validate(room)).id
        for room in (
            {"name": "Group room A", "capacity": 16},
            {"name": "Group room B", "capacity": 12},
        )
    ]

    patients = [
        patients_service.create_patient(ctx, PatientCreate.model_validate(fields))
        for fields in PATIENTS
    ]
    eligible = Assessment.model_validate(REQUESTS["eligible"][1] | {"age": None})
    today = programs_service.program_today(evening, now)
    for patient in patients[:4]:
        admission = admissions_service.create_admission(
            ctx,
            AdmissionCreate(
                patient_id=patient.id, program_id=evening.id, assessment=eligible,
                part2_notice_given_on=today,
            ),
        )  # fmt: skip
        approval = Approval(
            authorized_days=30, authorization_starts_on=today,
            authorization_ends_on=date.fromordinal(today.toordinal() + 60),
            next_review_on=date.fromordinal(today.toordinal() + 30),
        )  # fmt: skip
        admissions_service.approve(acting_as(Role.clinician), admission.id, approval)
        admissions_service.start(ctx, admission.id, Start(started_on=today))
    yield f"patients: {len(patients)}, four of them active in the evening program"

    general, *specialized = (
        groups_service.create_group(ctx, GroupCreate.model_validate({
            "program_id": evening.id, "facilitator_id": staff_ids[0], "room_id": room,
            "weekdays": ["monday", "wednesday"], "start_time": "18:00", "duration_minutes": 90,
        } | fields))
        for room, fields in zip([room_ids[0], room_ids[1], room_ids[1]], GROUPS, strict=True)
    )  # fmt: skip
    for patient in patients[:4]:
        admission = admissions_service.list_admissions(
            ctx, PageParams(1, 0), patient_id=patient.id, program_id=evening.id, statuses=None
        )[0][0]
        # Three evenings of a shared education class (9 h), then the process group on top.
        sessions = [
            {"weekday": day, "start_time": "17:30", "duration_minutes": 180, "kind": "education",
             "staff_id": staff_ids[0], "room_id": room_ids[0]}
            for day in ("tuesday", "thursday", "friday")
        ]  # fmt: skip
        plan = TreatmentPlanCreate.model_validate({"start_date": today, "sessions": sessions})
        plan_flows.save_plan(ctx, admission.id, plan)
        group_flows.enroll(ctx, general.id, MembershipCreate(patient_id=patient.id))
    yield f"groups: {general.name!r} with four members, and {len(specialized)} specialized groups"
