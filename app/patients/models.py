"""Patients, their external identifiers and their 42 CFR Part 2 consents."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped, OrganizationTally, SoftDeletable

# A folded name compares by code point on every database: SQLite's text always does, and on
# PostgreSQL the "C" collation does whatever the database's own. So the list's order is the same
# on both, and the names that start with `riv` are one range of the order's index (`riv` up to
# `riw`), read in the list's order: a name search's page is its first matches, not a sort of them
# all.
FoldedName = String(100).with_variant(String(100, collation="C"), "postgresql")


class Patient(OrganizationScoped, SoftDeletable):
    __tablename__ = "patient"
    __table_args__ = (
        # The list's order, whole: a page is the first rows of the index, however many patients
        # the organization has. A name search by family name reads its range of this index.
        Index(
            "ix_patient_organization_id_name_order",
            "organization_id",
            "family_name_folded",
            "given_name_folded",
            "id",
        ),
        # A name search by given name sorts its range of this one without a look at the table:
        # it holds the rest of the list's order, and live patients only (`app.patients.search`).
        Index(
            "ix_patient_live_given_name",
            "organization_id",
            "given_name_folded",
            "family_name_folded",
            "id",
            **SoftDeletable.live_only(),
        ),
    )

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # Case-folded copies, for an indexed, case-insensitive search and the list's order.
    family_name_folded: Mapped[str] = mapped_column(FoldedName)
    given_name_folded: Mapped[str] = mapped_column(FoldedName)
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
