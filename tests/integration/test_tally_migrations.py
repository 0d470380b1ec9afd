"""Rows stored before a tally existed are counted by the migration that adds it, and from then
on the tally follows every change to its table, however it is made."""

import uuid
from datetime import UTC, datetime

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, text

from app.migrations import alembic_config

AT = datetime(2026, 3, 2, 15, tzinfo=UTC).replace(tzinfo=None)


def revision_before(url: str, migration: str) -> str:
    """The revision before the migration whose file ends with `migration`."""
    script = ScriptDirectory.from_config(alembic_config(url))
    found = next(r for r in script.walk_revisions() if r.path.endswith(migration))
    assert isinstance(found.down_revision, str)
    return found.down_revision


def migrated_to_just_before(url: str, migration: str) -> Engine:
    command.upgrade(alembic_config(url), revision_before(url, migration))
    return create_engine(url)


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def migrated_back(url: str, migration: str) -> None:
    command.downgrade(alembic_config(url), revision_before(url, migration))


def stored(engine: Engine, value: uuid.UUID) -> object:
    """How each database's Uuid column stores `value`."""
    return value.hex if engine.dialect.name == "sqlite" else value


def counted(engine: Engine, query: str) -> dict[tuple[str, ...], int]:
    """`query`'s rows as {key columns, uuids as hex: the last column}."""
    with engine.connect() as connection:
        return {
            tuple(str(value).replace("-", "") for value in row[:-1]): row[-1]
            for row in connection.execute(text(query))
        }


def add_organizations(connection: Connection, engine: Engine, *ids: uuid.UUID) -> None:
    for organization_id in ids:
        connection.execute(
            text("INSERT INTO organization (id, name, created_at, updated_at, version)"
                 " VALUES (:id, 'Clinic', :at, :at, 1)"),
            {"id": stored(engine, organization_id), "at": AT},
        )  # fmt: skip


def add_patient(
    connection: Connection, engine: Engine, organization_id: uuid.UUID, deleted_at: object = None
) -> uuid.UUID:
    patient_id = uuid.uuid4()
    connection.execute(
        text(
            "INSERT INTO patient (id, organization_id, created_at, updated_at, version,"
            " given_name, family_name, family_name_folded, given_name_folded,"
            " date_of_birth, tags, deleted_at) VALUES (:id, :org, :at, :at, 1, 'Alex',"
            " 'Rivera', 'rivera', 'alex', '1990-05-17', '[]', :deleted_at)"
        ),
        {"id": stored(engine, patient_id), "org": stored(engine, organization_id), "at": AT,
         "deleted_at": deleted_at},
    )  # fmt: skip
    return patient_id


def test_the_patient_tally_starts_from_the_live_patients_of_each_organization(
    empty_database: str,
) -> None:
    engine = migrated_to_just_before(empty_database, "_patient_tally.py")
    riverbend, harbor = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as connection:
        add_organizations(connection, engine, riverbend, harbor)
        ids = [
            add_patient(connection, engine, organization_id, deleted_at)
            for organization_id, deleted_at in
            [(riverbend, None), (riverbend, None), (riverbend, AT), (harbor, None)]
        ]  # fmt: skip
    live = "SELECT organization_id, live FROM patient_tally"

    migrate(empty_database)
    assert counted(engine, live) == {(riverbend.hex,): 2, (harbor.hex,): 1}

    with engine.begin() as connection:
        stamp = text("UPDATE patient SET deleted_at = :at WHERE id = :id")
        connection.execute(stamp, {"at": None, "id": stored(engine, ids[2])})  # undeleted
        connection.execute(stamp, {"at": AT, "id": stored(engine, ids[3])})  # deleted
        connection.execute(
            text("DELETE FROM patient WHERE id = :id"), {"id": stored(engine, ids[0])}
        )
    assert counted(engine, live) == {(riverbend.hex,): 2, (harbor.hex,): 0}
    migrated_back(empty_database, "_patient_tally.py")


def test_the_admission_tally_starts_from_the_admissions_of_each_program_and_status(
    empty_database: str,
) -> None:
    engine = migrated_to_just_before(empty_database, "_admission_tally.py")
    clinic, evening, day = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    admissions: list[uuid.UUID] = []

    def admit(connection: Connection, program_id: uuid.UUID, status: str) -> None:
        admission_id = uuid.uuid4()
        connection.execute(
            text(
                "INSERT INTO admission (id, organization_id, created_at, updated_at, version,"
                " patient_id, program_id, status, settings_version, outcome, is_adolescent,"
                " is_step_down) VALUES (:id, :org, :at, :at, 1, :patient, :program, :status, 1,"
                " 'eligible', false, false)"
            ),
            {"id": stored(engine, admission_id), "org": stored(engine, clinic), "at": AT,
             "patient": stored(engine, add_patient(connection, engine, clinic)),
             "program": stored(engine, program_id), "status": status},
        )  # fmt: skip
        admissions.append(admission_id)

    with engine.begin() as connection:
        add_organizations(connection, engine, clinic)
        for program_id in (evening, day):
            connection.execute(
                text(
                    "INSERT INTO program (id, organization_id, created_at, updated_at, version,"
                    " name, level, track, time_zone, operating_hours, closures,"
                    " settings_version, is_active) VALUES (:id, :org, :at, :at, 1, 'IOP', '2.1',"
                    " 'evening', 'America/New_York', '{}', '[]', 1, true)"
                ),
                {"id": stored(engine, program_id), "org": stored(engine, clinic), "at": AT},
            )  # fmt: skip
        for program_id, status in [(evening, "pending"), (evening, "pending"), (day, "active")]:
            admit(connection, program_id, status)
    tally = "SELECT organization_id, program_id, status, admissions FROM admission_tally"

    migrate(empty_database)
    assert counted(engine, tally) == {
        (clinic.hex, evening.hex, "pending"): 2,
        (clinic.hex, day.hex, "active"): 1,
    }

    with engine.begin() as connection:
        move = text("UPDATE admission SET status = :status WHERE id = :id")
        connection.execute(move, {"status": "approved", "id": stored(engine, admissions[0])})
        connection.execute(move, {"status": "active", "id": stored(engine, admissions[2])})  # same
        connection.execute(
            text("DELETE FROM admission WHERE id = :id"), {"id": stored(engine, admissions[1])}
        )
        admit(connection, day, "active")
        # Moves go either way along the rows' order (PostgreSQL locks them in that order).
        connection.execute(move, {"status": "on_hold", "id": stored(engine, admissions[3])})
    assert counted(engine, tally) == {
        (clinic.hex, evening.hex, "pending"): 0,
        (clinic.hex, evening.hex, "approved"): 1,
        (clinic.hex, day.hex, "active"): 1,
        (clinic.hex, day.hex, "on_hold"): 1,
    }
    migrated_back(empty_database, "_admission_tally.py")
