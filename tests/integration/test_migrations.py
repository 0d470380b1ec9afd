"""Migrations build the schema the models describe, and round-trip, on SQLite and PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.migrations import alembic_config
from app.models import Base


def schema_differences(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    return list(differences)


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_upgrade_downgrade_upgrade_leaves_the_schema_the_models_describe(
    empty_database: str,
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    assert schema_differences(empty_database) == []
    command.downgrade(config, "base")
    assert table_names(empty_database) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert schema_differences(empty_database) == []
    assert {table.name for table in Base.metadata.sorted_tables} <= table_names(empty_database)
