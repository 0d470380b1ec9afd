"""The `iop` command and start-up settings."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from app.cli import cli, describe_database
from app.config import Settings, get_settings
from app.main import create_app
from tests.factories import client_for


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_orgs_and_keys_created_on_the_command_line_work_through_the_api(runner: CliRunner) -> None:
    org = runner.invoke(cli, ["orgs", "create", "Hillside Clinic"])
    assert org.exit_code == 0, org.output
    org_id = last_line(org.output)
    admin = runner.invoke(cli, ["keys", "create", "--org", org_id, "--role", "admin"])
    assert admin.exit_code == 0, admin.output
    app = create_app(get_settings())
    staff = client_for(app, last_line(admin.output)).post(
        "/v1/staff", json={"name": "Dr. Ada Reyes", "credential": "MD", "license_number": "A1"}
    )
    arguments = ["keys", "create", "--org", org_id, "--role", "clinician"]
    assert runner.invoke(cli, arguments).exit_code != 0  # whose key?
    key = runner.invoke(cli, [*arguments, "--staff-id", staff.json()["id"]])
    assert key.exit_code == 0, key.output
    me = client_for(app, last_line(key.output)).get("/v1/me").json()
    assert me["organization_name"] == "Hillside Clinic"
    assert me["role"] == "clinician"
    assert me["staff_id"] == staff.json()["id"]


def test_a_payer_key_needs_its_payer(runner: CliRunner) -> None:
    org = last_line(runner.invoke(cli, ["orgs", "create", "Hillside"]).output)
    assert runner.invoke(cli, ["keys", "create", "--org", org, "--role", "payer"]).exit_code != 0
    ok = runner.invoke(
        cli, ["keys", "create", "--org", org, "--role", "payer", "--payer-id", "aetna"]
    )
    assert ok.exit_code == 0


def test_migrate_is_idempotent(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    assert runner.invoke(cli, ["migrate"]).exit_code == 0


def test_openapi_command_writes_the_document(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert runner.invoke(cli, ["openapi", "--path", str(target)]).exit_code == 0
    assert json.loads(target.read_text())["info"]["title"] == "IOP API"


def key_of(role: str, output: str) -> str:
    return next(
        line.split(": ")[1] for line in output.splitlines() if line.startswith(f"{role} key: ")
    )


def test_demo_prints_keys_that_work(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    admin = client_for(create_app(get_settings()), key_of("admin", result.output))
    assert admin.get("/v1/me").json()["organization_name"].startswith("Riverbend")
    groups = admin.get("/v1/groups").json()["items"]
    assert sorted(g["enrolled_count"] for g in groups) == [0, 0, 4]
    assert admin.get("/v1/patients").json()["total"] == 6


def test_demo_names_its_database_and_shows_a_patient_a_group_and_a_first_call(
    runner: CliRunner, database_url: str
) -> None:
    output = runner.invoke(cli, ["demo"]).output
    if database_url.startswith("sqlite"):
        assert (
            str(Path(database_url.removeprefix("sqlite:///")).resolve()) in output.splitlines()[0]
        )
    staff_key = key_of("staff", output)
    api = client_for(create_app(get_settings()), staff_key)
    patient = api.get("/v1/patients", params={"limit": 1}).json()["items"][0]
    assert f"a patient: {patient['given_name']} {patient['family_name']}" in output
    assert f"id {patient['id']}" in output
    group = next(g for g in api.get("/v1/groups").json()["items"] if g["id"] in output)
    assert f"a group: {group['name']!r}" in output
    curl = f'curl -H "Authorization: Bearer {staff_key}" http://127.0.0.1:8000/v1/patients'
    assert curl in output


def test_demo_run_twice_keeps_one_clinic_and_gives_fresh_keys(
    runner: CliRunner, database_url: str
) -> None:
    first = runner.invoke(cli, ["demo"]).output
    second = runner.invoke(cli, ["demo"])
    assert second.exit_code == 0, second.output
    assert "is already in" in second.output.splitlines()[0]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM organization")).scalars().all()
    engine.dispose()
    assert names == ["Riverbend Recovery (demo)"]
    app = create_app(get_settings())
    assert key_of("admin", first) != key_of("admin", second.output)
    for output in (first, second.output):
        admin = client_for(app, key_of("admin", output))
        assert admin.get("/v1/patients").json()["total"] == 6
        assert len(admin.get("/v1/groups").json()["items"]) == 3


@pytest.mark.parametrize(
    ("url", "described"),
    [
        ("sqlite:///:memory:", "an in-memory SQLite database"),
        (
            "postgresql+psycopg://iop:s3cret@db.internal:5432/iop",
            "postgresql://iop:***@db.internal:5432/iop",
        ),
    ],
)
def test_the_database_is_described_without_its_password(url: str, described: str) -> None:
    assert describe_database(url) == described


def test_a_relative_sqlite_path_is_described_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        describe_database("sqlite:///./iop.db")
        == f"the SQLite file {tmp_path.resolve() / 'iop.db'}"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"database_url": "mysql://localhost/iop"}, "sqlite:// or postgresql://"),
        ({"rate_limit": "often"}, "rate_limit"),
        ({"max_body_bytes": 0}, "max_body_bytes"),
        ({"key_secret": "short"}, "key_secret"),
        ({"webhook_lease_seconds": 5, "webhook_timeout_seconds": 5}, "webhook_lease_seconds"),
    ],
)
def test_invalid_settings_stop_start_up_with_a_clear_message(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**overrides)


def test_a_production_database_needs_its_own_key_secret() -> None:
    with pytest.raises(ValueError, match="IOP_KEY_SECRET"):
        create_app(Settings(database_url="postgresql://127.0.0.1:5432/test"))


def test_the_daily_sweep_purges_expired_idempotency_keys(runner: CliRunner) -> None:
    org = last_line(runner.invoke(cli, ["orgs", "create", "Hillside Clinic"]).output)
    key = last_line(runner.invoke(cli, ["keys", "create", "--org", org, "--role", "staff"]).output)
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    client = client_for(create_app(get_settings(), clock=lambda: two_days_ago), key)
    body = {"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17"}
    created = client.post("/v1/patients", json=body, headers={"Idempotency-Key": "k-000001"})
    assert created.status_code == 201

    swept = runner.invoke(cli, ["alerts", "sweep"])

    assert swept.exit_code == 0, swept.output
    assert last_line(swept.output) == "1 expired idempotency key(s) purged"
