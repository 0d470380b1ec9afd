"""Attendance at scale on PostgreSQL: an EHR's batch against a raw COPY, and the attendance
summary against the size of the attendance table.

Runs the real app through HTTP (FastAPI's TestClient) on a new PostgreSQL database built by
the migrations (created on `--server`, dropped at the end), and reports each case against a
baseline measured in the same run. Never absolute times alone, never pass/fail thresholds:
machines differ, ratios travel.

    .venv/bin/python bench/attendance.py [--quick] [--server postgresql://127.0.0.1:5432/postgres]

- **batch**: `POST /v1/attendance/batch` with 10,000 `present` records (500 admissions of 20
  past sessions each), in rows per second, against a `COPY` of the very rows the batch stores
  into `attendance_record` (in a transaction rolled back). The batch does more than the COPY
  (it checks each mark, settles the appointments, flags authorizations, raises alerts, audits
  and emits events): the ratio says how much more.
- **summary**: `GET /v1/admissions/{id}/attendance-summary` of one admission with 36 marked
  sessions while the table holds 10,000 rows, then 1,000,000: the ratio should stay near 1,
  since the summary reads one admission's rows by index.

`--quick` runs the same cases at small sizes in half a minute, most of it migrating the two
databases (a test runs it so the bench cannot rot); its ratios are noise, not results.
"""

import argparse
import json
import statistics
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, create_engine, make_url, text

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.admissions.models import Admission
from app.attendance.models import AttendanceRecord
from app.config import Settings
from app.db import new_id
from app.main import create_app
from app.migrations import upgrade_to_head
from app.patients.models import Patient
from app.scheduling.models import Appointment
from app.security import Role

NOW = datetime(2026, 6, 1, 15, tzinfo=UTC)  # a Monday: every session below is in the past
SECRET = "bench-secret-of-at-least-sixteen-chars"
WARM_UP = 3


@dataclass(frozen=True)
class Sizes:
    batch_records: int
    sessions_per_admission: int
    small_table: int
    large_table: int
    repeat: int


FULL = Sizes(10_000, 20, 10_000, 1_000_000, 5)
QUICK = Sizes(200, 20, 200, 2_000, 2)


@dataclass(frozen=True)
class Report:
    copy_rows_per_second: float
    batch_rows_per_second: float
    small_table_rows: int
    large_table_rows: int
    summary_growth: float  # summary latency with the large table ÷ with the small one

    @property
    def batch_to_copy(self) -> float:
        return self.batch_rows_per_second / self.copy_rows_per_second


def _pg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def bench_database(server: str) -> Iterator[str]:
    """A new database on `server` for this run, dropped afterwards."""
    name = f"iop_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(_pg(server)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Clinic:
    """One organization, an evening program and an admin key, on a migrated database."""

    def __init__(self, url: str) -> None:
        upgrade_to_head(url)
        settings = Settings(
            database_url=url, key_secret=SECRET, log_level="WARNING", db_pool_size=2
        )
        self.app = create_app(settings, clock=lambda: NOW)
        self.engine: Engine = self.app.state.engine
        with self.app.state.sessionmaker.begin() as session:
            self.organization_id = access_service.create_organization(session, "Bench").id
            request = ApiKeyCreate(name="bench", role=Role.admin)
            key, raw = access_service.issue_key(session, self.organization_id, request, SECRET)
            self.key_id = key.id
        self.client = TestClient(self.app, headers={"Authorization": f"Bearer {raw}"})
        program = {
            "name": "Adult IOP – Evening",
            "track": "evening",
            "time_zone": "America/New_York",
            "operating_hours": {
                day: {"opens": "17:00", "closes": "21:00"}
                for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
            },
            "country": "US",
            "subdivision": "MA",
        }
        response = self.client.post("/v1/programs", json=program)
        assert response.status_code == 201, response.text
        self.program_id = uuid.UUID(response.json()["id"])

    def close(self) -> None:
        self.client.close()
        self.engine.dispose()

    def admissions(self, count: int, sessions: int) -> list[list[dict[str, Any]]]:
        """`count` admissions in treatment, each with `sessions` past appointments: the
        appointments' rows, by admission."""
        patients, admissions, appointments = [], [], []
        by_admission: list[list[dict[str, Any]]] = []
        for _ in range(count):
            patient_id, admission_id = new_id(), new_id()
            patients.append(self._row(patient_id) | _PATIENT)
            admissions.append(
                self._row(admission_id)
                | _ADMISSION
                | {"patient_id": patient_id, "program_id": self.program_id}
            )
            rows = [self._appointment(patient_id, admission_id, day) for day in _days(sessions)]
            appointments += rows
            by_admission.append(rows)
        with self.engine.begin() as connection:
            raw = connection.connection.driver_connection
            _copy(raw, _table(Patient), patients)
            _copy(raw, _table(Admission), admissions)
            _copy(raw, _table(Appointment), appointments)
        return by_admission

    def attendance_rows(self, appointments: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows the batch stores for these appointments marked present."""
        return [
            self._row(new_id())
            | {
                "appointment_id": a["id"],
                "admission_id": a["admission_id"],
                "patient_id": a["patient_id"],
                "program_id": self.program_id,
                "local_date": a["local_date"],
                "status": "present",
                "minutes_attended": 180,
                "scheduled_minutes": 180,
                "is_beyond_authorization": False,
                "recorded_at": NOW,
                "recorded_by_key_id": self.key_id,
            }
            for a in appointments
        ]

    def copy_seconds(self, rows: Sequence[dict[str, Any]], *, keep: bool) -> float:
        """Seconds a COPY of `rows` into attendance_record takes; rolled back unless `keep`."""
        connection = self.engine.connect()
        try:
            transaction = connection.begin()
            raw = connection.connection.driver_connection
            started = time.perf_counter()
            _copy(raw, _table(AttendanceRecord), rows)
            seconds = time.perf_counter() - started
            (transaction.commit if keep else transaction.rollback)()
        finally:
            connection.close()
        return seconds

    def analyze(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("ANALYZE"))

    def _row(self, record_id: uuid.UUID) -> dict[str, Any]:
        return {
            "id": record_id,
            "organization_id": self.organization_id,
            "created_at": NOW,
            "updated_at": NOW,
            "version": 1,
        }

    def _appointment(
        self, patient_id: uuid.UUID, admission_id: uuid.UUID, day: date
    ) -> dict[str, Any]:
        starts_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=22)
        return self._row(new_id()) | {
            "patient_id": patient_id,
            "admission_id": admission_id,
            "program_id": self.program_id,
            "kind": "group",
            "modality": "in_person",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=3),
            "local_date": day,
            "planned_starts_at": starts_at,
            "status": "booked",
            "is_rescheduled": False,
            "sequence": 0,
        }


_PATIENT = {
    "given_name": "Alex",
    "family_name": "Rivera",
    "given_name_folded": "alex",
    "family_name_folded": "rivera",
    "date_of_birth": date(1990, 5, 17),
    "tags": "[]",
}
_ADMISSION = {
    "status": "active",
    "settings_version": 1,
    "outcome": "eligible",
    "recommended_level": "2.1",
    "is_adolescent": False,
    "is_step_down": False,
    "started_on": date(2026, 1, 5),
}


def _days(count: int) -> list[date]:
    """`count` sessions on Mondays, Wednesdays and Thursdays, the last ones in the week before
    now: a patient in treatment, whose marks an EHR sends in the week after."""
    weeks = -(-count // 3)
    first = NOW.date() - timedelta(weeks=weeks)
    days = [first + timedelta(weeks=w, days=n) for w in range(weeks) for n in (0, 2, 3)]
    return days[:count]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _copy(raw: Any, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _median_seconds(action: Any, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def bench_batch(clinic: Clinic, sizes: Sizes) -> tuple[float, float]:
    """Rows per second of a COPY and of the batch, each the median of `repeat` runs on new
    appointments (the batch would change nothing the second time on the same ones)."""
    count = sizes.batch_records // sizes.sessions_per_admission
    for _ in range(WARM_UP):  # imports, caches, the first connections
        _post_batch(clinic, [a for rows in clinic.admissions(1, 3) for a in rows])
    copy_rates, batch_rates = [], []
    for _ in range(sizes.repeat):
        appointments = [
            a for rows in clinic.admissions(count, sizes.sessions_per_admission) for a in rows
        ]
        rows = clinic.attendance_rows(appointments)
        copy_rates.append(len(rows) / clinic.copy_seconds(rows, keep=False))
        batch_rates.append(len(rows) / _post_batch(clinic, appointments))
    return statistics.median(copy_rates), statistics.median(batch_rates)


def _post_batch(clinic: Clinic, appointments: Sequence[dict[str, Any]]) -> float:
    """Seconds the batch marking these appointments present takes."""
    records = [{"appointment_id": str(a["id"]), "status": "present"} for a in appointments]
    payload = json.dumps({"records": records}).encode()
    started = time.perf_counter()
    response = clinic.client.post(
        "/v1/attendance/batch", content=payload, headers={"Content-Type": "application/json"}
    )
    seconds = time.perf_counter() - started
    if response.status_code != 200 or response.json()["created"] != len(records):
        raise SystemExit(f"the batch answered {response.status_code}: {response.text[:500]}")
    return seconds


def bench_summary(clinic: Clinic, sizes: Sizes) -> tuple[float, int, int]:
    """Latency of one admission's summary with the large table ÷ with the small one, and the
    two tables' sizes."""
    [watched] = clinic.admissions(1, 36)
    clinic.copy_seconds(clinic.attendance_rows(watched), keep=True)
    url = f"/v1/admissions/{watched[0]['admission_id']}/attendance-summary"
    latencies, sizes_measured = [], []
    in_table = _count(clinic)
    for target in (sizes.small_table, sizes.large_table):
        in_table = _fill(clinic, sizes, target, in_table)
        clinic.analyze()
        for _ in range(WARM_UP):
            assert clinic.client.get(url).status_code == 200
        latencies.append(_median_seconds(lambda: clinic.client.get(url), sizes.repeat * 4))
        sizes_measured.append(in_table)
    return latencies[1] / latencies[0], sizes_measured[0], sizes_measured[1]


def _count(clinic: Clinic) -> int:
    with clinic.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM attendance_record")).scalar_one())


def _fill(clinic: Clinic, sizes: Sizes, target: int, in_table: int) -> int:
    """Other admissions' marks until the table holds `target` rows, in chunks."""
    per_admission = sizes.sessions_per_admission
    chunk = 1_000  # admissions per COPY
    while in_table < target:
        count = min(chunk, max((target - in_table) // per_admission, 1))
        appointments = [a for rows in clinic.admissions(count, per_admission) for a in rows]
        clinic.copy_seconds(clinic.attendance_rows(appointments), keep=True)
        in_table += len(appointments)
    return in_table


def run(server: str, sizes: Sizes) -> Report:
    """Each bench on a database of its own: the batches' rows do not count in the summary's
    table sizes."""
    with bench_database(server) as url:
        clinic = Clinic(url)
        try:
            copy_rate, batch_rate = bench_batch(clinic, sizes)
        finally:
            clinic.close()
    with bench_database(server) as url:
        clinic = Clinic(url)
        try:
            growth, small, large = bench_summary(clinic, sizes)
        finally:
            clinic.close()
    return Report(copy_rate, batch_rate, small, large, growth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, half a minute: a smoke run"
    )
    parser.add_argument(
        "--server",
        default="postgresql://127.0.0.1:5432/postgres",
        help="a PostgreSQL server the bench may create (and drop) a database on",
    )
    options = parser.parse_args()
    sizes = QUICK if options.quick else FULL
    report = run(options.server, sizes)
    print(f"batch of {sizes.batch_records:,} present marks (medians of {sizes.repeat} runs)")
    print(f"  COPY into attendance_record   {report.copy_rows_per_second:>12,.0f} rows/s")
    print(f"  POST /v1/attendance/batch     {report.batch_rows_per_second:>12,.0f} rows/s")
    print(f"  batch / COPY                  {report.batch_to_copy:>12.3f}")
    print("attendance summary of one admission (36 marked sessions)")
    print(
        f"  latency with {report.large_table_rows:,} rows ÷ with {report.small_table_rows:,}"
        f"   {report.summary_growth:.2f}"
    )


if __name__ == "__main__":
    main()
