"""Drug screens during treatment (docs/domain.md §5): recorded with who recorded them; a
positive one raises the `positive_drug_screen` alert once and applies the program's policy
(`positive_drug_screen_action`), which the attendance summary shows."""

import uuid
from datetime import date

from app.admissions.errors import AdmissionNotStarted
from app.admissions.models import Admission
from app.admissions.records import open_admission
from app.attendance import alerts
from app.attendance.models import DrugScreen
from app.attendance.rules import Reason, ReasonCode
from app.attendance.schemas import DrugScreenCreate, DrugScreenRead
from app.context import AuditAction, Context
from app.errors import FieldError, Unprocessable
from app.events.types import DomainEvent, EventType
from app.programs.models import Program
from app.programs.service import program_today, settings_for
from app.vocabulary import AdmissionStatus, ScreenResult

IN_TREATMENT = (AdmissionStatus.active, AdmissionStatus.on_hold)


def record_drug_screen(
    ctx: Context, admission_id: uuid.UUID, body: DrugScreenCreate
) -> DrugScreenRead:
    # Under the admission's lock: a discharge at the same moment waits, or is waited for.
    admission = open_admission(
        ctx, admission_id, "drug screens are recorded during treatment", for_update=True
    )
    _refuse_before_treatment(admission)
    program = ctx.get(Program, admission.program_id)
    _refuse_collection_day(admission, body, program_today(program, ctx.now))
    is_positive = body.result == ScreenResult.positive
    settings = settings_for(ctx, program, admission.settings_version)
    screen = DrugScreen(
        organization_id=ctx.organization_id,
        admission_id=admission.id,
        patient_id=admission.patient_id,
        program_id=admission.program_id,
        collected_on=body.collected_on,
        result=body.result.value,
        substances=list(body.substances),
        note=body.note,
        action=settings.positive_drug_screen_action if is_positive else None,
        recorded_at=ctx.now,
        recorded_by_key_id=ctx.principal.key_id,
    )
    ctx.session.add(screen)
    ctx.session.flush()
    ctx.audit(AuditAction.create, "drug_screen", screen.id, patient_id=admission.patient_id)
    subject = {"drug_screen_id": screen.id, "admission_id": admission.id}
    ctx.emit(DomainEvent(EventType.drug_screen_recorded, subject, admission.patient_id))
    if is_positive:
        # Raised for this screen whatever came before or after it: once per positive screen
        # (the summary names the same occurrence, so the sweep never raises it again).
        reason = Reason(
            ReasonCode.positive_drug_screen,
            f"The drug screen collected on {screen.collected_on} was positive: a clinical"
            " review is due.",
            str(screen.id),
        )
        alerts.raise_reasons(ctx, [(admission, [reason])])
    return DrugScreenRead.model_validate(screen)


def list_drug_screens(ctx: Context, admission_id: uuid.UUID) -> list[DrugScreenRead]:
    admission = ctx.get(Admission, admission_id)
    screens = list(
        ctx.session.scalars(
            ctx.select(DrugScreen)
            .where(DrugScreen.admission_id == admission.id)
            .order_by(DrugScreen.collected_on, DrugScreen.id)
        )
    )
    ids = [screen.id for screen in screens]
    ctx.audit(AuditAction.list, "drug_screen", ids, patient_id=admission.patient_id)
    return [DrugScreenRead.model_validate(screen) for screen in screens]


def _refuse_before_treatment(admission: Admission) -> None:
    if admission.status not in IN_TREATMENT or admission.started_on is None:
        raise AdmissionNotStarted(
            f"The admission is {admission.status}: drug screens during treatment are recorded"
            " once it has started (the admission screen belongs to its assessment)."
        )


def _refuse_collection_day(admission: Admission, body: DrugScreenCreate, today: date) -> None:
    assert admission.started_on is not None
    if body.collected_on < admission.started_on:
        message = f"Before treatment started on {admission.started_on}."
        code = "before_treatment"
    elif body.collected_on > today:
        message, code = "In the future.", "in_future"
    else:
        return
    raise Unprocessable(
        "The screen was not collected during treatment.",
        errors=[FieldError(field="collected_on", code=code, message=message)],
    )
