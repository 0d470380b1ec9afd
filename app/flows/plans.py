"""Saving a treatment plan: a new version, checked against the program, the patient's group
memberships and everyone's other commitments, and booked."""

import uuid

from app.context import Context
from app.flows import locks
from app.scheduling import service as scheduling_service
from app.scheduling.schemas import TreatmentPlanCreate, TreatmentPlanSaved


def save_plan(
    ctx: Context, admission_id: uuid.UUID, body: TreatmentPlanCreate
) -> TreatmentPlanSaved:
    """Locks the admission (2. of `locks`), then staff and rooms (3.) as the plan is checked;
    the groups it names are read, not locked: their seats are enrollment's business."""
    admission = locks.admission(ctx, admission_id)
    return TreatmentPlanSaved.of(scheduling_service.save_treatment_plan(ctx, admission, body))
