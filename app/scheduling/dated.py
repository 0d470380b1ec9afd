"""A plan's dated weeks: what saving books (make-up days, the authorization) and how each
week fares against the program's intensity."""

from dataclasses import dataclass

from app.context import Context
from app.programs.settings import ProgramSettings
from app.scheduling.authorization import within_authorization
from app.scheduling.booking import Draft, this_week_on, upcoming
from app.scheduling.make_up import make_up_check
from app.scheduling.references import References
from app.scheduling.rule_inputs import Subject
from app.scheduling.rules.authorization import AuthorizationCheck, authorization_flag
from app.scheduling.rules.calendar import Materialized
from app.scheduling.rules.plan import Violation, ViolationCode
from app.scheduling.rules.weeks import ShortWeek, short_weeks, week_flags


@dataclass(frozen=True)
class DatedPlan:
    planned: Materialized  # what saving books
    authorization: AuthorizationCheck
    short_weeks: list[ShortWeek]
    flags: list[Violation]


def dated_plan(
    ctx: Context,
    subject: Subject,
    draft: Draft,
    references: References,
    settings: ProgramSettings,
) -> DatedPlan:
    can_move = None
    if draft.move_skipped_days:
        can_move = make_up_check(
            ctx, subject, references, settings, (draft.start_date, draft.end_date)
        )
    planned = upcoming(subject.program, draft, ctx.now, can_move)
    planned, authorization = within_authorization(
        ctx, subject.admission_id, subject.authorization, planned, draft.book_beyond_authorization
    )
    min_days = settings.min_days_per_week
    min_hours = (
        settings.min_weekly_hours_adolescent if subject.is_adolescent else settings.min_weekly_hours
    )
    weeks = short_weeks(
        draft.sessions, this_week_on(subject.program, draft, ctx.now, can_move), min_days, min_hours
    )
    flags = week_flags(weeks, min_days, min_hours)
    if draft.move_skipped_days:
        flags += _not_moved(planned)
    beyond = authorization_flag(authorization, draft.book_beyond_authorization)
    if beyond is not None:
        flags.append(beyond)
    return DatedPlan(planned, authorization, weeks, flags)


def _not_moved(planned: Materialized) -> list[Violation]:
    lost = {(day.date, day.reason): None for day in planned.skipped if day.moved_to is None}
    return [
        Violation(
            ViolationCode.SESSIONS_NOT_MOVED,
            f"the sessions of {date} ({reason}) are not booked: no other day of that week has"
            " the program open at their time with their staff, room and patient free",
        )
        for date, reason in lost
    ]
