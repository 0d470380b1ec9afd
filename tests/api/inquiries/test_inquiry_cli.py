"""The retention period on the command line, and the daily sweep (`iop alerts sweep`, run by
cron) deleting the inquiries past it."""

import uuid
from datetime import UTC, date, datetime, timedelta

from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.context import Context
from app.db import create_db_engine, create_sessionmaker
from app.inquiries import service as inquiries_service
from app.inquiries.schemas import InsuranceInquiryCreate
from app.security import Principal, Role
from tests.api.foundation.test_cli_and_settings import last_line

FORM = InsuranceInquiryCreate(
    given_name="Jordan", family_name="Whitaker", date_of_birth=date(1988, 11, 2),
    phone="+1 413 555 0147", payer_name="Blue Harbor Health Plan", member_id="BHP555000111",
    consents_to_contact=True,
)  # fmt: skip


def submit_days_ago(organization_id: uuid.UUID, days: int) -> None:
    engine = create_db_engine(get_settings())
    try:
        with create_sessionmaker(engine).begin() as session:
            website = Principal(uuid.uuid4(), organization_id, Role.intake, None)
            received = datetime.now(UTC) - timedelta(days=days)
            inquiries_service.submit(Context(session, website, "website", received), FORM)
    finally:
        engine.dispose()


def test_the_daily_sweep_deletes_inquiries_past_the_organizations_retention(
    runner: CliRunner,
) -> None:
    created = runner.invoke(cli, ["orgs", "create", "Hillside"])
    organization_id = uuid.UUID(last_line(created.output))
    submit_days_ago(organization_id, 10)
    submit_days_ago(organization_id, 3)
    sweep = runner.invoke(cli, ["alerts", "sweep"])
    assert sweep.exit_code == 0, sweep.output
    assert "0 expired insurance inquiries deleted" in sweep.output  # 30 days unless set

    retention = runner.invoke(
        cli, ["orgs", "inquiry-retention", "--org", str(organization_id), "7"]
    )
    assert retention.exit_code == 0, retention.output
    assert "1 expired insurance inquiries deleted" in runner.invoke(cli, ["alerts", "sweep"]).output
    assert "0 expired" in runner.invoke(cli, ["alerts", "sweep"]).output
