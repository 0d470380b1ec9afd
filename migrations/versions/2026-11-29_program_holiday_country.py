"""Every program has a holiday country: the one given, or its time zone's.

Programs stored without a country observed no public holidays at all. Each now takes the
country of its time zone (IANA `zone.tab`, links included) and records where the country came
from in `holiday_country_source`; a program whose time zone belongs to no country (UTC) keeps
no country and no source until one is set. Downgrading forgets the derived countries.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from importlib.resources import files

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

program = sa.table(
    "program",
    sa.column("id", sa.Uuid()),
    sa.column("time_zone", sa.String()),
    sa.column("country", sa.String()),
    sa.column("holiday_country_source", sa.String()),
)


def _zone_countries() -> dict[str, str]:
    # Inlined, not imported from the app, so that this revision keeps doing what it did.
    zoneinfo = files("tzdata") / "zoneinfo"
    countries: dict[str, str] = {}
    for line in (zoneinfo / "zone.tab").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, zone, *_ = line.split("\t")
            countries[zone] = code
    for line in (zoneinfo / "tzdata.zi").read_text(encoding="utf-8").splitlines():
        if line.startswith("L "):
            _, target, link = line.split()
            if target in countries:
                countries.setdefault(link, countries[target])
    return countries


def upgrade() -> None:
    with op.batch_alter_table("program") as batch:
        batch.add_column(sa.Column("holiday_country_source", sa.String(length=16), nullable=True))
    connection = op.get_bind()
    connection.execute(
        program.update()
        .where(program.c.country.is_not(None))
        .values(holiday_country_source="given")
    )
    countries = _zone_countries()
    rows = connection.execute(
        sa.select(program.c.id, program.c.time_zone).where(program.c.country.is_(None))
    ).all()
    for program_id, time_zone in rows:
        country = countries.get(time_zone)
        if country is not None:
            connection.execute(
                program.update()
                .where(program.c.id == program_id)
                .values(country=country, holiday_country_source="time_zone")
            )


def downgrade() -> None:
    op.execute(
        program.update().where(program.c.holiday_country_source == "time_zone").values(country=None)
    )
    with op.batch_alter_table("program") as batch:
        batch.drop_column("holiday_country_source")
