"""A realistic clinic for `bench/run`, loaded set-based (COPY on PostgreSQL, executemany on
SQLite), never through the API: 10 appointments per patient, and one patient (the one the
benchmark reads) with 22 booked sessions in March 2026, the month it asks for."""

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, create_engine

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.admissions.assessment import Assessment
from app.admissions.models import Admission, AdmissionAssessment
from app.admissions.rules import evaluate_eligibility
from app.config import Settings
from app.db import create_db_engine, create_sessionmaker, new_id
from app.patients.models import Patient
from app.programs.settings import ProgramSettings
from app.scheduling.models import Appointment
from app.security import Role

FAMILY_NAMES = (
    "Rivera", "Nguyen", "Okafor", "Schmidt", "Kowalski", "Haddad", "Tanaka", "Silva", "Murphy",
    "Johansson", "Novak", "Castillo", "Fischer", "Mensah", "Dubois", "Kaur", "Petrov", "Yilmaz",
    "Ramirez", "O'Connor", "Whitfield", "Ortiz", "Brennan", "Sato", "Moreau",
)  # fmt: skip
GIVEN_NAMES = (
    "Alex", "Sam", "Jordan", "Maria", "Wei", "Ada", "Omar", "Lena", "Ravi", "Noor", "Eli",
    "Grace", "Tomas", "Yuki", "Ines", "Kofi", "Hana", "Luca", "Mila", "Dev",
)  # fmt: skip
APPOINTMENTS_PER_PATIENT = 10
MONTH = (date(2026, 3, 1), date(2026, 3, 31))
STARTS = datetime(2025, 6, 2, 22, tzinfo=UTC)  # 18:00 in New York, a Monday
ASSESSED_ON = date(2026, 2, 27)
# What the eligibility benchmark sends: the clinician's license number is missing.
ASSESSMENT = json.dumps(
    {
        "age": 34,
        "diagnoses": [
            {
                "code": "F11.20",
                "diagnosed_by": {"name": "Dr. Ada Reyes", "credential": "MD"},
                "diagnosed_on": "2026-02-20",
            }
        ],
        "drug_screen": {"result": "positive", "collected_on": "2026-02-20"},
        "withdrawal": {"needs_medical_management": False},
        "asam": {
            "edition": 3,
            "dimensions": {"d1": 1, "d2": 1, "d3": 2, "d4": 1, "d5": 2, "d6": 1},
        },
        "suicide_risk": False,
        "needs_24h_supervision": False,
        "safe_housing": True,
    }
)


@dataclass(frozen=True)
class Clinic:
    organization_id: uuid.UUID
    key: str
    patient_id: uuid.UUID  # the patient whose month the benchmark reads


def create_clinic(settings: Settings) -> tuple[uuid.UUID, str]:
    """An organization and an admin key, made as the service makes them."""
    engine = create_db_engine(settings)
    with create_sessionmaker(engine).begin() as session:
        organization_id = access_service.create_organization(session, "Bench clinic").id
        request = ApiKeyCreate(name="bench", role=Role.admin)
        secret = settings.key_secret.get_secret_value()
        _key, raw = access_service.issue_key(session, organization_id, request, secret)
    engine.dispose()
    return organization_id, raw


def load(
    database_url: str, organization_id: uuid.UUID, program_id: uuid.UUID, patients: int
) -> uuid.UUID:
    """`patients` patients, each admitted with 10 appointments; answers the one with 22 in
    March 2026."""
    rng = random.Random(patients)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    common = {
        "organization_id": organization_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    # The assessment each patient was admitted on: the benchmark's, complete.
    assessment = Assessment.model_validate_json(ASSESSMENT)
    [diagnosis] = assessment.diagnoses
    licensed = diagnosis.diagnosed_by.model_copy(update={"license_number": "MD-204518"})
    assessment = assessment.model_copy(
        update={"diagnoses": [diagnosis.model_copy(update={"diagnosed_by": licensed})]}
    )
    decision = evaluate_eligibility(assessment, ProgramSettings(), ASSESSED_ON)
    patient_rows, admission_rows, assessment_rows, appointment_rows = [], [], [], []
    featured: uuid.UUID | None = None
    for index in range(patients):
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        patient_id, admission_id = new_id(), new_id()
        patient_rows.append(
            common | {
                "id": patient_id, "given_name": given, "family_name": family,
                "given_name_folded": given.casefold(), "family_name_folded": family.casefold(),
                "date_of_birth": date(1950, 1, 1) + timedelta(days=rng.randrange(25_000)),
                "tags": [], "deleted_at": None,
            }
        )  # fmt: skip
        admission_rows.append(
            common | {
                "id": admission_id, "patient_id": patient_id, "program_id": program_id,
                "status": "active", "settings_version": 1, "outcome": decision.outcome,
                "recommended_level": decision.recommended_level,
                "is_adolescent": False, "is_step_down": False,
            }
        )  # fmt: skip
        # Every admission holds the assessment it was decided on, as the service stores it.
        assessment_rows.append(
            common | {
                "id": new_id(), "admission_id": admission_id, "assessed_on": ASSESSED_ON,
                "asam_edition": 3, "assessment": assessment.model_dump(mode="json"),
                "decision": decision.model_dump(mode="json"), "outcome": decision.outcome,
                "recommended_level": decision.recommended_level, "by_key_id": None,
            }
        )  # fmt: skip
        if index == patients // 2:
            featured = patient_id
            days = [d for d in _days(*MONTH) if d.weekday() < 5][:22]
        else:
            first = rng.randrange(300)
            days = [
                STARTS.date() + timedelta(days=first + 7 * n)
                for n in range(APPOINTMENTS_PER_PATIENT)
            ]
        for day in days:
            starts = datetime.combine(day, STARTS.timetz())
            appointment_rows.append(
                common | {
                    "id": new_id(), "patient_id": patient_id, "admission_id": admission_id,
                    "program_id": program_id, "kind": "group", "modality": "in_person",
                    "starts_at": starts, "ends_at": starts + timedelta(hours=3),
                    "local_date": day, "planned_starts_at": starts, "status": "booked",
                    "is_rescheduled": False, "sequence": 0,
                }
            )  # fmt: skip
    assert featured is not None
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for model, rows in (
            (Patient, patient_rows), (Admission, admission_rows),
            (AdmissionAssessment, assessment_rows), (Appointment, appointment_rows),
        ):  # fmt: skip
            table: Table = model.__table__  # type: ignore[assignment]
            if engine.dialect.name == "postgresql":
                _copy(connection, table, rows)
            else:
                _executemany(connection, table, rows)
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return featured


def _copy(connection: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def _executemany(connection: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """Straight to the driver in the form SQLAlchemy stores on SQLite (hex UUIDs, naive UTC
    text timestamps, JSON text): its per-value processing took minutes for a million rows."""
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    cursor = connection.connection.driver_connection.cursor()
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    cursor.executemany(statement, ([_sqlite(row[c]) for c in columns] for row in rows))


def _sqlite(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _days(first: date, last: date) -> Iterator[date]:
    while first <= last:
        yield first
        first += timedelta(days=1)
