"""How treatment-plan creation time grows with plan length and with the plans around it.

Runs the real app through HTTP (FastAPI's TestClient) on a temporary SQLite file built by the
migrations, and reports each case as a ratio to a baseline measured in the same run: a 1-week
plan for a patient alone in the program. Never absolute times, never pass/fail thresholds:
machines differ, ratios travel.

    .venv/bin/python bench/plan_creation.py [--repeat 7]

Each case is the median of `--repeat` requests, each the first plan of a new admission. In the
"other plans" cases the program already holds that many current 13-week plans sharing the same
therapist and room (one evening group), which the new plan is checked against; every repeat
adds one plan, so the count drifts up by at most `--repeat`.
"""

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.admissions.models import Admission
from app.config import Settings
from app.main import create_app
from app.migrations import upgrade_to_head
from app.patients.models import Patient
from app.security import Role

NOW = datetime(2026, 3, 2, 15, tzinfo=UTC)  # a Monday morning in New York
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
LENGTHS = (1, 4, 13, 26)
CROWDS = (1, 10, 50)
SECRET = "bench-secret-of-at-least-sixteen-chars"
WARM_UP = 3


class Clinic:
    """One organization, an evening program, a therapist, a room and a staff key."""

    def __init__(self, database: Path) -> None:
        url = f"sqlite:///{database}"
        upgrade_to_head(url)
        settings = Settings(database_url=url, key_secret=SECRET, log_level="WARNING")
        self.app = create_app(settings, clock=lambda: NOW)
        with self.app.state.sessionmaker.begin() as session:
            self.organization_id = access_service.create_organization(session, "Bench").id
            request = ApiKeyCreate(name="bench", role=Role.admin)
            _key, raw = access_service.issue_key(session, self.organization_id, request, SECRET)
        self.client = TestClient(self.app, headers={"Authorization": f"Bearer {raw}"})
        self.program_id = self._post("/v1/programs", self._program())["id"]
        self.staff_id = self._post(
            "/v1/staff", {"name": "Dana Whitfield", "session_kinds": ["group", "individual"]}
        )["id"]
        self.room_id = self._post("/v1/rooms", {"name": "Group room B", "capacity": 16})["id"]

    def _program(self) -> dict[str, Any]:
        return {
            "name": "Adult IOP – Evening",
            "track": "evening",
            "time_zone": "America/New_York",
            "operating_hours": {day: {"opens": "17:00", "closes": "21:00"} for day in WEEKDAYS},
            "country": "US",
            "subdivision": "MA",
        }

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(url, json=body)
        if response.status_code not in (200, 201):
            raise SystemExit(f"{url} answered {response.status_code}: {response.text}")
        result: dict[str, Any] = response.json()
        return result

    def admit(self) -> uuid.UUID:
        with self.app.state.sessionmaker.begin() as session:
            patient = Patient(
                organization_id=self.organization_id,
                given_name="Alex",
                family_name="Rivera",
                given_name_folded="alex",
                family_name_folded="rivera",
                date_of_birth=date(1990, 5, 17),
                tags=[],
            )
            session.add(patient)
            session.flush()
            admission = Admission(
                organization_id=self.organization_id,
                patient_id=patient.id,
                program_id=uuid.UUID(self.program_id),
                status="approved",
                settings_version=1,
                outcome="eligible",
            )
            session.add(admission)
            session.flush()
            return admission.id

    def new_leads(self) -> tuple[str, str]:
        """A therapist and a room no other plan uses: the patient is alone in the program."""
        staff = self._post("/v1/staff", {"name": "Sam Ortiz", "session_kinds": ["group"]})
        room = self._post("/v1/rooms", {"name": "Room C", "capacity": 16})
        return staff["id"], room["id"]

    def plan(self, weeks: int, alone: bool = False) -> tuple[float, int]:
        """Plan a new admission: the seconds the request took and the appointments booked."""
        staff_id, room_id = self.new_leads() if alone else (self.staff_id, self.room_id)
        sessions = [
            {"weekday": day, "start_time": "18:00", "duration_minutes": 180, "kind": "group",
             "staff_id": staff_id, "room_id": room_id}
            for day in ("monday", "wednesday", "thursday")
        ]  # fmt: skip
        body = {"start_date": "2026-03-02", "weeks": weeks, "sessions": sessions}
        url = f"/v1/admissions/{self.admit()}/treatment-plan"
        started = time.perf_counter()
        saved = self._post(url, body)
        return time.perf_counter() - started, int(saved["appointment_count"])


def median_seconds(action: Callable[[], tuple[float, int]], repeat: int) -> tuple[float, int]:
    timings, count = [], 0
    for _ in range(repeat):
        seconds, count = action()
        timings.append(seconds)
    return statistics.median(timings), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="requests per case (median)")
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        rows: list[tuple[str, int, float]] = []
        alone = Clinic(Path(folder) / "alone.db")
        for _ in range(WARM_UP):  # imports, caches, the first connections
            alone.plan(1, alone=True)
        baseline, count = median_seconds(lambda: alone.plan(1, alone=True), repeat)
        for weeks in LENGTHS:
            seconds, count = median_seconds(lambda w=weeks: alone.plan(w, alone=True), repeat)
            rows.append((f"{weeks:>2}-week plan, no other plans", count, seconds / baseline))
        crowded = Clinic(Path(folder) / "crowded.db")
        planned = 0
        for crowd in CROWDS:
            while planned < crowd:
                crowded.plan(13)
                planned += 1
            seconds, count = median_seconds(lambda: crowded.plan(13), repeat)
            planned += repeat
            rows.append((f"13-week plan, {crowd:>2} other plans", count, seconds / baseline))
        alone.app.state.engine.dispose()
        crowded.app.state.engine.dispose()
    print(f"baseline: a 1-week plan, no other plans (medians of {repeat} requests)")
    print(f"{'case':<34}{'appointments':>14}{'time / baseline':>18}")
    for label, appointments, ratio in rows:
        print(f"{label:<34}{appointments:>14}{ratio:>18.2f}")


if __name__ == "__main__":
    main()
