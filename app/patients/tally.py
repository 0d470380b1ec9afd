"""The live-patient count of each organization: the total of its unfiltered list, read from one
row, where an exact `count(*)` reads every patient of the organization and grows with it.

Triggers on `patient` keep it (migration 0020): whatever creates, deletes or undeletes a patient,
the count moves in the same transaction."""

from app.context import Context
from app.patients.models import PatientTally


def live_patients(ctx: Context) -> int:
    tally = ctx.session.get(PatientTally, ctx.organization_id)
    return 0 if tally is None else tally.live
