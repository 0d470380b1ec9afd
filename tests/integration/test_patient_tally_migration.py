"""Patients stored before the tally existed are counted by the migration that adds it."""

import uuid
from datetime import UTC, datetime

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from app.migrations import alembic_config


def before_the_tally(url: str) -> str:
    script = ScriptDirectory.from_config(alembic_config(url))
    tally = next(r for r in script.walk_revisions() if r.path.endswith("_patient_tally.py"))
    assert isinstance(tally.down_revision, str)
    return tally.down_revision


def test_the_tally_starts_from_the_live_patients_of_each_organization(
    empty_database: str,
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, before_the_tally(empty_database))
    engine = create_engine(empty_database)
    is_sqlite = engine.dialect.name == "sqlite"
    at = datetime(2026, 3, 2, 15, tzinfo=UTC).replace(tzinfo=None)

    def hex_(value: uuid.UUID) -> object:  # how each database's Uuid column stores it
        return value.hex if is_sqlite else value

    riverbend, harbor = uuid.uuid4(), uuid.uuid4()
    patients = [(riverbend, None), (riverbend, None), (riverbend, at), (harbor, None)]
    ids = [uuid.uuid4() for _ in patients]
    with engine.begin() as connection:
        for organization_id in (riverbend, harbor):
            connection.execute(
                text("INSERT INTO organization (id, name, created_at, updated_at, version)"
                     " VALUES (:id, 'Clinic', :at, :at, 1)"),
                {"id": hex_(organization_id), "at": at},
            )  # fmt: skip
        for patient_id, (organization_id, deleted_at) in zip(ids, patients, strict=True):
            connection.execute(
                text(
                    "INSERT INTO patient (id, organization_id, created_at, updated_at, version,"
                    " given_name, family_name, family_name_folded, given_name_folded,"
                    " date_of_birth, tags, deleted_at) VALUES (:id, :org, :at, :at, 1, 'Alex',"
                    " 'Rivera', 'rivera', 'alex', '1990-05-17', '[]', :deleted_at)"
                ),
                {"id": hex_(patient_id), "org": hex_(organization_id), "at": at,
                 "deleted_at": deleted_at},
            )  # fmt: skip

    def counted() -> dict[str, int]:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT organization_id, live FROM patient_tally"))
            return {str(organization).replace("-", ""): live for organization, live in rows}

    command.upgrade(config, "head")
    assert counted() == {riverbend.hex: 2, harbor.hex: 1}

    # From then on the count follows every change to `patient`, however it is made.
    with engine.begin() as connection:
        stamp = text("UPDATE patient SET deleted_at = :at WHERE id = :id")
        connection.execute(stamp, {"at": None, "id": hex_(ids[2])})  # undeleted
        connection.execute(stamp, {"at": at, "id": hex_(ids[3])})  # deleted
        connection.execute(text("DELETE FROM patient WHERE id = :id"), {"id": hex_(ids[0])})
    assert counted() == {riverbend.hex: 2, harbor.hex: 0}
    command.downgrade(config, before_the_tally(empty_database))
