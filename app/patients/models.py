"""Patients, their external identifiers and their 42 CFR Part 2 consents."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped, OrganizationTally, SoftDeletable


class Patient(OrganizationScoped, SoftDeletable):
    __tablename__ = "patient"
    __table_args__ = (
        # The list's order, whole: a page is the first rows of the index (and a name search
        # stops at its page's last match), however many patients the organization has.
        Index(
            "ix_patient_organization_id_name_order",
            "organization_id",
            "family_name_folded",
            "given_name_folded",
            "id",
        ),
        # A name search: the patients whose family or given name starts with a word, read
        # from these instead of the whole list (`text_pattern_ops`: PostgreSQL's `LIKE 'riv%'`
        # takes the index whatever the database's collation; SQLite takes a range).
        Index(
            "ix_patient_organization_id_family_name_prefix",
            "organization_id",
            "family_name_folded",
            postgresql_ops={"family_name_folded": "text_pattern_ops"},
        ),
        Index(
            "ix_patient_organization_id_given_name_prefix",
            "organization_id",
            "given_name_folded",
            postgresql_ops={"given_name_folded": "text_pattern_ops"},
        ),
    )

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # Lower-cased copy for indexed, case-insensitive search on every database.
    family_name_folded: Mapped[str] = mapped_column(String(100))
    given_name_folded: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(index=True)
    sex: Mapped[str | None] = mapped_column(String(20))
    gender_identity: Mapped[str | None] = mapped_column(String(40))
    is_veteran: Mapped[bool | None]
    # Free attributes that specialized groups may ask for: "lgbtq", "trauma_survivor", …
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    guardian: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PatientTally(OrganizationTally):
    """How many live patients an organization has: the total of its unfiltered list. Kept by
    triggers on `patient` (migration 0020)."""

    __tablename__ = "patient_tally"

    live: Mapped[int] = mapped_column(default=0)


class PatientIdentifier(OrganizationScoped):
    __tablename__ = "patient_identifier"
    __table_args__ = (UniqueConstraint("organization_id", "system", "value"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    system: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(100))


class ConsentRecord(OrganizationScoped):
    """A Part 2 consent: who may receive which information, for what, until when."""

    __tablename__ = "consent_record"

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(200))
    purposes: Mapped[list[str]] = mapped_column(JSON)
    information: Mapped[str] = mapped_column(String(500))
    signed_on: Mapped[date]
    expires_on: Mapped[date | None]
    revoked_at: Mapped[datetime | None]
