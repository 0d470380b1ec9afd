"""A few calls through the client generated from openapi/openapi.json, unedited.

scripts/client-check runs it in a throw-away virtual environment that holds the generated client
and nothing of the project: `python calls.py BASE_URL ADMIN_KEY`. It fails on the first surprise.
"""

import datetime as dt
import sys

from iop_api_client import AuthenticatedClient
from iop_api_client.api.access import access_get_me
from iop_api_client.api.patients import (
    patients_create_patient,
    patients_get_patient,
    patients_list_patients,
    patients_update_patient,
)
from iop_api_client.api.programs import programs_create_program, programs_get_program
from iop_api_client.models import (
    DayHours,
    Me,
    PatientCreate,
    PatientRead,
    PatientUpdate,
    Problem,
    ProgramCreate,
    ProgramCreateOperatingHours,
    ProgramCreateTrack,
    ProgramRead,
    ProgramSettings,
)


def expect(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"client check failed: {what}")
    print(f"ok: {what}")


def main(base_url: str, key: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True)

    me = access_get_me.sync(client=client)
    expect(isinstance(me, Me) and me.role.value == "admin", "GET /v1/me reads the admin key")

    hours = ProgramCreateOperatingHours()
    for day in ("monday", "wednesday", "thursday"):
        hours[day] = DayHours(opens="17:00", closes="21:00")
    body = ProgramCreate(
        name="Adult IOP – Evening",
        track=ProgramCreateTrack.EVENING,
        time_zone="America/New_York",
        operating_hours=hours,
        settings=ProgramSettings(min_days_per_week=3, group_max_size=12),
    )
    program = programs_create_program.sync(client=client, body=body)
    expect(isinstance(program, ProgramRead), "POST /v1/programs answers a ProgramRead")
    assert isinstance(program, ProgramRead)
    expect(program.settings.group_max_size == 12, "the program's settings come back as a model")
    read = programs_get_program.sync(program.id, client=client)
    assert isinstance(read, ProgramRead)
    expect(read.operating_hours["monday"].opens == "17:00", "local times come back as HH:MM")

    created = patients_create_patient.sync_detailed(
        client=client,
        body=PatientCreate(
            given_name="Alex", family_name="Rivera", date_of_birth=dt.date(1990, 5, 17)
        ),
    )
    patient = created.parsed
    expect(
        created.status_code == 201 and isinstance(patient, PatientRead),
        "POST /v1/patients registers a patient",
    )
    assert isinstance(patient, PatientRead)
    expect(patient.date_of_birth == dt.date(1990, 5, 17), "dates come back as dates")

    etag = created.headers["etag"]
    updated = patients_update_patient.sync(
        patient.id, client=client, body=PatientUpdate(family_name="Rivera-Lopez"), if_match=etag
    )
    expect(
        isinstance(updated, PatientRead) and updated.family_name == "Rivera-Lopez",
        "PATCH /v1/patients/{id} with If-Match updates the patient",
    )
    again = patients_get_patient.sync(patient.id, client=client)
    expect(isinstance(again, PatientRead) and again.version == 2, "the update is stored")

    page = patients_list_patients.sync(client=client, name="riv")
    expect(page is not None and not isinstance(page, Problem), "GET /v1/patients answers a page")
    assert page is not None
    assert not isinstance(page, Problem)
    expect([p.id for p in page.items] == [patient.id], "the search finds the patient")

    future = PatientCreate(given_name="Sam", family_name="Lee", date_of_birth=dt.date(2099, 1, 1))
    refused = patients_create_patient.sync(client=client, body=future)
    expect(
        isinstance(refused, Problem)
        and refused.status == 422
        and isinstance(refused.errors, list)
        and refused.errors[0].field == "date_of_birth",
        "a 422 comes back as a Problem naming the field",
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
