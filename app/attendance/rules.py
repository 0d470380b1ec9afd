"""Compliance: an admission's sessions and marks in, its weeks and status out, with every
reason that fired. Plain values, no I/O, no clock (docs/domain.md §2 and §5)."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.programs.settings import ProgramSettings
from app.vocabulary import ATTENDED, AttendanceStatus


class ComplianceStatus(StrEnum):
    compliant = "compliant"
    at_risk = "at_risk"
    non_compliant = "non_compliant"
    pending_discharge = "pending_discharge"


class ReasonCode(StrEnum):
    weekly_hours_below_minimum = "weekly_hours_below_minimum"
    weekly_days_below_minimum = "weekly_days_below_minimum"
    consecutive_absences = "consecutive_absences"
    days_without_attendance = "days_without_attendance"
    authorization_nearly_used = "authorization_nearly_used"
    authorization_exhausted = "authorization_exhausted"
    authorization_expired = "authorization_expired"
    review_due = "review_due"
    positive_drug_screen = "positive_drug_screen"
    plan_completed = "plan_completed"


@dataclass(frozen=True)
class SessionMark:
    """One session that was not cancelled, and its mark if recorded."""

    local_date: dt.date
    starts_at: dt.datetime
    scheduled_minutes: int
    status: AttendanceStatus | None = None
    minutes_attended: int = 0

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


@dataclass(frozen=True)
class Authorization:
    authorized_days: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    next_review_on: dt.date | None = None


@dataclass(frozen=True)
class Screen:
    """The admission's latest drug screen (by collection day)."""

    id: str
    collected_on: dt.date
    is_positive: bool


@dataclass(frozen=True)
class Week:
    week: str  # ISO week, 2026-W10
    starts_on: dt.date
    scheduled_hours: float
    attended_hours: float
    scheduled_days: int
    treatment_days: int
    min_weekly_hours: float
    min_days_per_week: int
    holidays: list[dt.date]
    is_complete: bool  # the week is over
    meets_hours: bool | None  # None: not judged (holiday week, or not over yet)
    meets_days: bool | None


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    message: str
    # Which occurrence of the reason this is (the week, the absence spell, the authorization):
    # an alert is raised once per occurrence, however often the rules run.
    occurrence: str = ""


@dataclass(frozen=True)
class Summary:
    weeks: list[Week]
    attendance_rate: float | None  # attended ÷ scheduled minutes of the sessions held
    consecutive_unexcused_absences: int
    days_since_last_attendance: int | None
    authorized_days_used: int
    authorized_days_left: int | None
    status: ComplianceStatus
    suggested_discharge_type: str | None
    reasons: list[Reason] = field(default_factory=list)


def summarize(
    sessions: Sequence[SessionMark],
    today: dt.date,
    settings: ProgramSettings,
    *,
    is_adolescent: bool,
    started_on: dt.date | None,
    plan_ends_on: dt.date | None,
    authorization: Authorization,
    holidays: Mapping[dt.date, str],
    latest_screen: Screen | None = None,
) -> Summary:
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    held = [s for s in ordered if s.local_date <= today]
    min_hours = settings.min_weekly_hours_adolescent if is_adolescent else settings.min_weekly_hours
    weeks = _weeks(held, today, min_hours, settings.min_days_per_week, holidays)
    scheduled = sum(s.scheduled_minutes for s in held if s.status is not None)
    rate = round(sum(s.minutes_attended for s in held) / scheduled, 4) if scheduled else None
    streak = _unexcused_streak(held)
    attended_days = sorted({s.local_date for s in held if s.attended})
    since = _days_since(attended_days, started_on, held, today)
    used = _authorized_days_used(attended_days, authorization)
    left = (
        max(authorization.authorized_days - used, 0)
        if authorization.authorized_days is not None
        else None
    )
    last_attended = attended_days[-1].isoformat() if attended_days else "none"
    reasons = _reasons(
        weeks, streak, since, used, left, authorization, today, settings, last_attended
    )
    reasons += _screen_reasons(latest_screen)
    status, discharge = _status(reasons, since, rate, today, plan_ends_on, attended_days, settings)
    if discharge == "completed":
        reasons.append(Reason(ReasonCode.plan_completed, "The planned treatment has ended."))
    return Summary(weeks, rate, streak, since, used, left, status, discharge, reasons)


def _weeks(
    held: Sequence[SessionMark],
    today: dt.date,
    min_hours: float,
    min_days: int,
    holidays: Mapping[dt.date, str],
) -> list[Week]:
    by_week: dict[dt.date, list[SessionMark]] = {}
    for s in held:
        by_week.setdefault(s.local_date - dt.timedelta(days=s.local_date.weekday()), []).append(s)
    weeks = []
    for monday, marks in sorted(by_week.items()):
        days = [monday + dt.timedelta(days=n) for n in range(7)]
        closed = [day for day in days[:5] if day in holidays]  # a weekday the program closed
        complete = days[-1] < today
        judged = complete and not closed
        attended_hours = round(sum(s.minutes_attended for s in marks) / 60, 2)
        treatment_days = len({s.local_date for s in marks if s.attended})
        year, number, _ = monday.isocalendar()
        weeks.append(
            Week(
                week=f"{year}-W{number:02d}",
                starts_on=monday,
                scheduled_hours=round(sum(s.scheduled_minutes for s in marks) / 60, 2),
                attended_hours=attended_hours,
                scheduled_days=len({s.local_date for s in marks}),
                treatment_days=treatment_days,
                min_weekly_hours=min_hours,
                min_days_per_week=min_days,
                holidays=closed,
                is_complete=complete,
                meets_hours=attended_hours >= min_hours if judged else None,
                meets_days=treatment_days >= min_days if judged else None,
            )
        )
    return weeks


def _unexcused_streak(held: Sequence[SessionMark]) -> int:
    """Unexcused absences and no-shows in a row, up to the latest mark; an excused absence
    neither counts nor breaks the run, attending ends it."""
    streak = 0
    for s in reversed([s for s in held if s.status is not None]):
        if s.attended:
            break
        if s.status in (AttendanceStatus.unexcused_absence, AttendanceStatus.no_show):
            streak += 1
    return streak


def _days_since(
    attended_days: Sequence[dt.date],
    started_on: dt.date | None,
    held: Sequence[SessionMark],
    today: dt.date,
) -> int | None:
    """Days since the patient last attended; before any attendance, since treatment started
    (or the first session was held)."""
    if attended_days:
        return (today - attended_days[-1]).days
    first = started_on or (held[0].local_date if held else None)
    return (today - first).days if first is not None and first <= today else None


def _authorized_days_used(attended_days: Sequence[dt.date], auth: Authorization) -> int:
    return sum(
        1
        for day in attended_days
        if (auth.starts_on is None or day >= auth.starts_on)
        and (auth.ends_on is None or day <= auth.ends_on)
    )


def _reasons(
    weeks: Sequence[Week],
    streak: int,
    since: int | None,
    used: int,
    left: int | None,
    auth: Authorization,
    today: dt.date,
    settings: ProgramSettings,
    last_attended: str,
) -> list[Reason]:
    reasons = []
    authorized = f"{auth.authorized_days}:{auth.starts_on}:{auth.ends_on}"
    last = next((w for w in reversed(weeks) if w.is_complete), None)
    if last is not None and last.meets_hours is False:
        reasons.append(
            Reason(
                ReasonCode.weekly_hours_below_minimum,
                f"Week {last.week}: {last.attended_hours} hours attended; the minimum is"
                f" {last.min_weekly_hours}.",
                last.week,
            )
        )
    if last is not None and last.meets_days is False:
        reasons.append(
            Reason(
                ReasonCode.weekly_days_below_minimum,
                f"Week {last.week}: {last.treatment_days} treatment days; the minimum is"
                f" {last.min_days_per_week}.",
                last.week,
            )
        )
    if streak >= settings.consecutive_unexcused_absences_for_review:
        reasons.append(
            Reason(
                ReasonCode.consecutive_absences,
                f"{streak} unexcused absences in a row: a clinical review is due.",
                f"after:{last_attended}",
            )
        )
    if since is not None and since >= settings.days_absent_non_compliant:
        level = sum(
            since >= days
            for days in (
                settings.days_absent_non_compliant,
                settings.days_absent_pending_discharge,
                settings.days_absent_discharge,
            )
        )
        reasons.append(
            Reason(
                ReasonCode.days_without_attendance,
                f"{since} days without attendance.",
                f"after:{last_attended}:level:{level}",  # raised again at each threshold
            )
        )
    if auth.ends_on is not None and today > auth.ends_on:
        reasons.append(
            Reason(
                ReasonCode.authorization_expired,
                f"The authorization ended on {auth.ends_on}.",
                authorized,
            )
        )
    if left is not None and auth.authorized_days is not None:
        if left == 0:
            reasons.append(
                Reason(
                    ReasonCode.authorization_exhausted,
                    f"All {auth.authorized_days} authorized treatment days are used.",
                    authorized,
                )
            )
        elif left <= settings.authorization_days_left_alert:
            reasons.append(
                Reason(
                    ReasonCode.authorization_nearly_used,
                    f"{left} of {auth.authorized_days} authorized treatment days left.",
                    authorized,
                )
            )
    if auth.next_review_on is not None and auth.next_review_on <= today:
        reasons.append(
            Reason(
                ReasonCode.review_due,
                f"The payer's review was due on {auth.next_review_on}.",
                str(auth.next_review_on),
            )
        )
    return reasons


def _screen_reasons(latest: Screen | None) -> list[Reason]:
    """§5: a positive screen calls for review (or discharge, by policy) until a later screen
    is not positive; each positive screen is its own occurrence."""
    if latest is None or not latest.is_positive:
        return []
    # The substances stay in the screen's record: the worklist says only that it was positive.
    return [
        Reason(
            ReasonCode.positive_drug_screen,
            f"The drug screen collected on {latest.collected_on} was positive: a clinical"
            " review is due.",
            latest.id,
        )
    ]


def _status(
    reasons: Sequence[Reason],
    since: int | None,
    rate: float | None,
    today: dt.date,
    plan_ends_on: dt.date | None,
    attended_days: Sequence[dt.date],
    settings: ProgramSettings,
) -> tuple[ComplianceStatus, str | None]:
    if plan_ends_on is not None and plan_ends_on < today and attended_days:
        # §5: completing usually takes about 90% of the planned sessions.
        if rate is not None and rate >= settings.completion_attendance_ratio:
            return ComplianceStatus.pending_discharge, "completed"
        return ComplianceStatus.pending_discharge, "administrative"
    if settings.positive_drug_screen_action == "recommend_discharge" and any(
        reason.code == ReasonCode.positive_drug_screen for reason in reasons
    ):
        # Program policy: a discharge for using during treatment is administrative.
        return ComplianceStatus.pending_discharge, "administrative"
    if since is not None and since >= settings.days_absent_pending_discharge:
        return ComplianceStatus.pending_discharge, "dropped_out"
    if since is not None and since >= settings.days_absent_non_compliant:
        return ComplianceStatus.non_compliant, None
    if reasons:
        return ComplianceStatus.at_risk, None
    return ComplianceStatus.compliant, None
