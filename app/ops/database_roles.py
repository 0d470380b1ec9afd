"""The PostgreSQL role the service connects as: it works with the data, never the schema.

The tables belong to the role that runs migrations. The service role may read and write the
application's tables, but only read and append to the audit trail (and advance its chain head):
not being the owner, it cannot TRUNCATE, ALTER or DROP a table, nor disable the triggers that
refuse UPDATE and DELETE on the trail. SQLite has no roles: there, whoever can write the file
can change anything, and the hash chain is what reveals an edit."""

import re

from sqlalchemy import Connection, Engine, text

# The audit trail: SELECT and INSERT only (the chain head also UPDATE of its link, to advance).
APPEND_ONLY_TABLES = ("audit_event", "audit_event_patient")
CHAIN_HEAD_TABLE = "audit_chain_head"
MIGRATIONS_TABLE = "alembic_version"

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant_service_role(engine: Engine, name: str, password: str | None) -> bool:
    """Create the login role `name` (or bring an existing one's rights up to date) and grant
    what the service needs. Run as the tables' owner, after migrations; True if created."""
    if not ROLE_NAME.fullmatch(name):
        raise ValueError("a role name is lower-case letters, digits and _, at most 63")
    with engine.begin() as connection:
        role = connection.dialect.identifier_preparer.quote(name)
        exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        login = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
        if password is not None:
            login += f" PASSWORD {_literal(password)}"
        connection.exec_driver_sql(f"{'ALTER' if exists else 'CREATE'} ROLE {role} {login}")
        _grant(connection, role)
    return not exists


def _grant(connection: Connection, role: str) -> None:
    quote = connection.dialect.identifier_preparer.quote
    database = quote(str(connection.scalar(text("SELECT current_database()"))))
    schema = quote(str(connection.scalar(text("SELECT current_schema()"))))
    for statement in (
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # Tables of later migrations, made by this same owner, are the service's too; run the
        # command again after a migration that adds an audit table.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"
        f" ON {', '.join(APPEND_ONLY_TABLES)} FROM {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {CHAIN_HEAD_TABLE} FROM {role}",
        # Only the link it holds, forward by one (a trigger refuses any other change).
        f"GRANT UPDATE (sequence, hash) ON {CHAIN_HEAD_TABLE} TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {MIGRATIONS_TABLE} FROM {role}",
    ):
        connection.exec_driver_sql(statement)


def _literal(value: str) -> str:
    """A string literal (standard_conforming_strings, on since PostgreSQL 9.1): DDL takes no
    bound parameters."""
    if "\x00" in value:
        raise ValueError("a password cannot contain the NUL character")
    return "'" + value.replace("'", "''") + "'"
