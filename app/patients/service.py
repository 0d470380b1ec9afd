"""Patients: records, search, soft delete, identifiers and Part 2 consents. All audited."""

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.context import AuditAction, Context
from app.errors import Conflict, FieldError, NotFound, Unprocessable
from app.events.types import DomainEvent, EventType
from app.pagination import PageParams, fetch_page
from app.patients.models import ConsentRecord, Patient, PatientIdentifier
from app.patients.schemas import (
    ConsentCreate,
    ConsentRead,
    Identifier,
    PatientCreate,
    PatientRead,
    PatientUpdate,
)
from app.patients.search import first_matches, name_matches
from app.patients.tally import live_patients
from app.versioning import Precondition, check_version


class IdentifierTaken(Conflict):
    slug, title = "identifier-taken", "Another patient already has this identifier"


def create_patient(ctx: Context, body: PatientCreate) -> PatientRead:
    _check_born(ctx, body.date_of_birth)
    patient = Patient(
        organization_id=ctx.organization_id,
        **body.model_dump(mode="json", exclude={"identifiers", "date_of_birth"}),
        date_of_birth=body.date_of_birth,
    )
    _fold_names(patient)
    ctx.session.add(patient)
    ctx.session.flush()
    _replace_identifiers(ctx, patient, body.identifiers)
    ctx.audit(AuditAction.create, "patient", patient.id)
    ctx.emit(DomainEvent(EventType.patient_created, patient_id=patient.id))
    return patient_read(patient, body.identifiers)


def get_live_patient(ctx: Context, patient_id: uuid.UUID) -> Patient:
    """A patient of the caller's organization that is not deleted, else 404."""
    return ctx.get(Patient, patient_id)


def read_patient(ctx: Context, patient_id: uuid.UUID) -> PatientRead:
    patient = get_live_patient(ctx, patient_id)
    ctx.audit(AuditAction.read, "patient", patient.id)
    return patient_read(patient, identifiers_of(ctx.session, [patient.id])[patient.id])


def search_patients(
    ctx: Context,
    params: PageParams,
    *,
    name: str | None = None,
    date_of_birth: date | None = None,
    identifier: str | None = None,
    born: tuple[date | None, date | None] = (None, None),
    updated: tuple[datetime | None, datetime | None] = (None, None),
) -> tuple[list[PatientRead], int]:
    """`born`: first and last date of birth, inclusive; `updated`: last change at or after the
    first instant and before the second (either bound may be open)."""
    statement = ctx.select_rows(Patient)
    words = name.casefold().split() if name else []
    for word in words:
        statement = statement.where(name_matches(word))
    if date_of_birth is not None:
        statement = statement.where(Patient.date_of_birth == date_of_birth)
    born_from, born_until = born
    if born_from is not None:
        statement = statement.where(Patient.date_of_birth >= born_from)
    if born_until is not None:
        statement = statement.where(Patient.date_of_birth <= born_until)
    updated_from, updated_before = updated
    if updated_from is not None:
        statement = statement.where(Patient.updated_at >= updated_from)
    if updated_before is not None:
        statement = statement.where(Patient.updated_at < updated_before)
    if identifier:
        # FHIR token search: `system|value`, or a bare value in any system.
        system, _, value = identifier.rpartition("|")
        match = select(PatientIdentifier.patient_id).where(
            *ctx.scope(PatientIdentifier),
            PatientIdentifier.value == value,
        )
        if system:
            match = match.where(PatientIdentifier.system == system)
        statement = statement.where(Patient.id.in_(match))
    statement = statement.order_by(
        Patient.family_name_folded, Patient.given_name_folded, Patient.id
    )
    narrowed = first_matches(statement, words[0], params) if words else None
    filtered = words or identifier or date_of_birth or any(born) or any(updated)
    tally = None if filtered else (lambda: live_patients(ctx))
    patients, total = fetch_page(ctx.session, statement, params, narrowed=narrowed, count=tally)
    ids = [patient["id"] for patient in patients]
    ctx.audit(AuditAction.list, "patient", ids)
    identifiers = identifiers_of(ctx.session, ids)
    return [patient_read(p, identifiers[p["id"]]) for p in patients], total


def update_patient(
    ctx: Context, patient_id: uuid.UUID, body: PatientUpdate, expected_version: Precondition | None
) -> PatientRead:
    patient = get_live_patient(ctx, patient_id)
    check_version(patient.version, expected_version)
    if body.identifiers is not None:
        # Before the patient's own fields change: replacing identifiers flushes, and a flush
        # of a changed patient would bump its version a second time in one update.
        _replace_identifiers(ctx, patient, body.identifiers)
        # A change of identifiers alone must still bump the patient's version.
        flag_modified(patient, "updated_at")
    changes = body.model_dump(
        mode="json", exclude_unset=True, exclude={"identifiers", "date_of_birth"}
    )
    for name, value in changes.items():
        setattr(patient, name, value)
    if "date_of_birth" in body.model_fields_set and body.date_of_birth is not None:
        _check_born(ctx, body.date_of_birth)
        patient.date_of_birth = body.date_of_birth
    _fold_names(patient)
    ctx.session.flush()
    ctx.audit(AuditAction.update, "patient", patient.id)
    ctx.emit(DomainEvent(EventType.patient_updated, patient_id=patient.id))
    return patient_read(patient, identifiers_of(ctx.session, [patient.id])[patient.id])


def delete_patient(ctx: Context, patient: Patient, expected_version: Precondition | None) -> None:
    """Soft delete: the record leaves every list and read, and stays in the database. The
    caller made sure no care still points at it (`app.flows.patients`)."""
    check_version(patient.version, expected_version)
    patient.deleted_at = ctx.now
    ctx.session.flush()
    ctx.audit(AuditAction.delete, "patient", patient.id)
    ctx.emit(DomainEvent(EventType.patient_deleted, patient_id=patient.id))


def identifiers_of(
    session: Session, patient_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Identifier]]:
    found: dict[uuid.UUID, list[Identifier]] = defaultdict(list)
    rows = session.execute(
        select(PatientIdentifier.patient_id, PatientIdentifier.system, PatientIdentifier.value)
        .where(PatientIdentifier.patient_id.in_(patient_ids))
        .order_by(PatientIdentifier.system, PatientIdentifier.value)
    )
    for patient_id, system, value in rows:
        found[patient_id].append(Identifier(system=system, value=value))
    return found


def patient_read(patient: Patient | dict[str, Any], identifiers: list[Identifier]) -> PatientRead:
    return PatientRead.from_record(patient, identifiers=identifiers)


def _check_born(ctx: Context, date_of_birth: date) -> None:
    if date_of_birth > ctx.now.date():
        error = FieldError(field="date_of_birth", code="date_in_future", message="Not born yet.")
        raise Unprocessable("The date of birth is in the future.", errors=[error])


def _fold_names(patient: Patient) -> None:
    patient.given_name_folded = patient.given_name.casefold()
    patient.family_name_folded = patient.family_name.casefold()


def _replace_identifiers(ctx: Context, patient: Patient, identifiers: list[Identifier]) -> None:
    wanted = {(i.system, i.value) for i in identifiers}
    for index, (system, value) in enumerate((i.system, i.value) for i in identifiers):
        owner = ctx.session.scalar(
            select(PatientIdentifier.patient_id).where(
                *ctx.scope(PatientIdentifier),
                PatientIdentifier.system == system,
                PatientIdentifier.value == value,
                PatientIdentifier.patient_id != patient.id,
            )
        )
        if owner is not None:
            # The value is not repeated: error answers carry no patient data.
            raise IdentifierTaken(
                f"Another patient already has identifiers[{index}] (system {system})."
            )
    ctx.session.execute(delete(PatientIdentifier).where(PatientIdentifier.patient_id == patient.id))
    ctx.session.add_all(
        PatientIdentifier(
            organization_id=ctx.organization_id, patient_id=patient.id, system=system, value=value
        )
        for system, value in sorted(wanted)
    )
    ctx.session.flush()


def add_consent(ctx: Context, patient_id: uuid.UUID, body: ConsentCreate) -> ConsentRead:
    patient = get_live_patient(ctx, patient_id)
    consent = ConsentRecord(
        organization_id=ctx.organization_id,
        patient_id=patient.id,
        **body.model_dump(mode="json", exclude={"signed_on", "expires_on"}),
        signed_on=body.signed_on,
        expires_on=body.expires_on,
    )
    ctx.session.add(consent)
    ctx.session.flush()
    ctx.audit(AuditAction.create, "consent_record", consent.id, patient_id=patient.id)
    return consent_read(ctx, consent)


def list_consents(ctx: Context, patient_id: uuid.UUID) -> list[ConsentRead]:
    patient = get_live_patient(ctx, patient_id)
    consents = list(
        ctx.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.patient_id == patient.id)
            .order_by(ConsentRecord.signed_on.desc(), ConsentRecord.id)
        )
    )
    ctx.audit(AuditAction.list, "consent_record", [c.id for c in consents], patient_id=patient.id)
    return [consent_read(ctx, c) for c in consents]


def revoke_consent(ctx: Context, patient_id: uuid.UUID, consent_id: uuid.UUID) -> ConsentRead:
    patient = get_live_patient(ctx, patient_id)
    consent = ctx.get(ConsentRecord, consent_id)
    if consent.patient_id != patient.id:
        raise NotFound(f"Patient {patient_id} has no consent {consent_id}.")
    if consent.revoked_at is None:
        consent.revoked_at = ctx.now
        ctx.session.flush()
    ctx.audit(AuditAction.update, "consent_record", consent.id, patient_id=patient.id)
    return consent_read(ctx, consent)


def consent_read(ctx: Context, consent: ConsentRecord) -> ConsentRead:
    today = ctx.now.date()
    in_force = (
        consent.revoked_at is None
        and consent.signed_on <= today
        and (consent.expires_on is None or today <= consent.expires_on)
    )
    return ConsentRead.from_record(consent, is_in_force=in_force)
