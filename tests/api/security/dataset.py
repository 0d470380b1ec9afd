"""One clinic's worth of every kind of record, made once per test session for the
authorization matrix: each route is called with ids that exist, in this organization or in
another one."""

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from anyio.from_thread import BlockingPortal
from fastapi import FastAPI

from app.security import Role
from tests.api.coverages.test_coverages import COMMERCIAL, add_coverage
from tests.api.groups.factories import make_group
from tests.api.scheduling.factories import admit, make_track, plan_body
from tests.factories import Clinic, json_object, make_clinic, make_staff

# The payer of the clinic's payer key (`tests.factories.make_key`): its verification partner
# sees this dataset's verification request.
PAYER_ID = "payer-demo"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Dataset:
    clinic: Clinic
    # Path parameter name → the id of a record of this clinic.
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def every_id(self) -> set[str]:
        return set(self.ids.values()) - {self.ids["date"]}

    def path(self, template: str) -> str:
        """`/v1/patients/{patient_id}` with this clinic's patient id."""
        ids = self.ids
        if template.startswith("/v1/good-faith-estimates/"):
            ids = ids | {"estimate_id": ids["good_faith_estimate_id"]}
        return re.sub(r"\{([a-z_]+)(:[a-z]+)?\}", lambda m: ids[m.group(1)], template)

    def fill(self, body: Any) -> Any:
        """A request body with `"{patient_id}"` and the like replaced by this clinic's ids."""
        if isinstance(body, dict):
            return {name: self.fill(value) for name, value in body.items()}
        if isinstance(body, list):
            return [self.fill(value) for value in body]
        if isinstance(body, str) and re.fullmatch(r"\{[a-z_:]+\}", body):
            return self.ids[body[1:-1]]
        return body


def build_dataset(app: FastAPI, name: str, portal: BlockingPortal) -> Dataset:
    clinic = make_clinic(app, name=name)
    for role in Role:
        clinic.as_role(role).portal = portal
    staff, admin = clinic.staff, clinic.admin
    program = make_track(clinic)
    admitted = admit(app, clinic, program)
    patient_id, admission_id = str(admitted.patient_id), str(admitted.admission_id)
    plan = staff.post(f"/v1/admissions/{admission_id}/treatment-plan", json=plan_body(weeks=2))
    assert plan.status_code == 201, plan.text
    appointments = staff.get(f"/v1/patients/{patient_id}/appointments").json()["items"]
    group = make_group(clinic, program)
    coverage = add_coverage(clinic, patient_id, **(COMMERCIAL | {"payer_id": PAYER_ID}))
    verification = json_object(
        staff.post(
            "/v1/insurance-verifications",
            json={"patient_id": patient_id, "coverage_id": coverage["id"],
                  "service_starts_on": "2026-03-09", "service_ends_on": "2026-06-05"},
        )
    )  # fmt: skip
    estimate = json_object(
        staff.post(
            "/v1/cost-estimates",
            json={"price_per_day": "300.00", "treatment_days": 5, "coverage_id": coverage["id"],
                  "save": True},
        )
    )  # fmt: skip
    gfe = json_object(
        staff.post(
            "/v1/good-faith-estimates",
            json={"patient_id": patient_id, "program_id": program["id"], "treatment_days": 30,
                  "requested_on": "2026-03-02",
                  "provider": {"name": name, "npi": "1234567893", "tin": "12-3456789",
                               "location": "12 Mill Street, Springfield, MA 01103"}},
        )
    )  # fmt: skip
    consent = json_object(
        staff.post(
            f"/v1/patients/{patient_id}/consents",
            json={"recipient": "Blue Harbor Health Plan", "purposes": ["payment"],
                  "information": "Dates of service", "signed_on": "2026-03-02"},
        )
    )  # fmt: skip
    subscription = json_object(
        admin.post(
            "/v1/webhook-subscriptions",
            json={"url": "https://ehr.example.org/hooks/iop", "event_types": ["patient.changed"]},
        )
    )
    key = json_object(admin.post("/v1/api-keys", json={"name": "spare", "role": "staff"}))
    staff_id = make_staff(clinic, name="Morgan Lee")["id"]
    assignment = json_object(
        staff.post(
            f"/v1/admissions/{admission_id}/assignments",
            json={"kind": "reading", "title": "Chapter 1", "due_on": "2026-03-09"},
        )
    )
    task = json_object(
        staff.post(
            f"/v1/admissions/{admission_id}/case-tasks",
            json={"category": "legal", "title": "Court letter", "owner_staff_id": staff_id},
        )
    )
    inquiry = json_object(
        clinic.intake.post(
            "/v1/insurance-inquiries",
            json={"given_name": "Ana", "family_name": "Silva", "date_of_birth": "1992-01-15",
                  "email": "ana@example.org", "payer_name": "Blue Harbor Health Plan",
                  "member_id": "BHP000333444", "consents_to_contact": True},
        )
    )  # fmt: skip
    ids = {
        "program_id": program["id"],
        "patient_id": patient_id,
        "admission_id": admission_id,
        "episode_id": admission_id,
        "appointment_id": appointments[0]["id"],
        "encounter_id": appointments[0]["id"],
        "group_id": group["id"],
        "staff_id": staff_id,
        "assignment_id": assignment["id"],
        "task_id": task["id"],
        "inquiry_id": inquiry["id"],
        "room_id": group["room_id"],
        "coverage_id": coverage["id"],
        "verification_id": verification["id"],
        "estimate_id": estimate["id"],
        "good_faith_estimate_id": gfe["id"],
        "consent_id": consent["id"],
        "subscription_id": subscription["id"],
        "key_id": key["id"],
        # Records no request of the matrix can make without waiting for a worker or a sweep:
        # an id that exists nowhere answers the same 404 as another organization's.
        "alert_id": str(uuid.uuid4()),
        "delivery_id": str(uuid.uuid4()),
        "date": "2026-03-02",
    }
    return Dataset(clinic=clinic, ids=ids)


def ids_in(text: str) -> set[str]:
    return set(UUID_TEXT.findall(text))
