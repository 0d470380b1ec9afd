"""Whether a payer's prior-authorization decision can stand, and which authorization is in force.

Pure (docs/domain.md §3 item 5, §6): a payer authorizes a number of treatment days within a
period with a next review date; treating beyond either takes a concurrent review, which may
extend the authorization (more days, a later end) and never shrinks it: a payer that means to
end the authorization denies the review, and the authorization runs out as it was.
"""

from dataclasses import dataclass
from datetime import date

from app.errors import FieldError


@dataclass(frozen=True)
class Terms:
    """An authorization's terms: treatment days (not calendar days) within a period."""

    authorized_days: int
    starts_on: date
    ends_on: date  # inclusive
    next_review_on: date | None = None
    reference_number: str | None = None


def terms_errors(terms: Terms, today: date, max_days: int) -> list[FieldError]:
    """What makes an approval's terms impossible or implausible: an end before the start,
    more days than the period holds, a review outside it, a period already over or longer
    than the program accepts (setting `max_authorization_days`)."""
    errors: list[FieldError] = []
    span = (terms.ends_on - terms.starts_on).days + 1
    if span < 1:
        return [_error("ends_on", "ends_before_start", "The period ends before it starts.")]
    if terms.authorized_days > span:
        errors.append(_error(
            "authorized_days", "days_do_not_fit",
            f"{terms.authorized_days} treatment days do not fit in a period of {span} days.",
        ))  # fmt: skip
    if terms.next_review_on is not None and not (
        terms.starts_on <= terms.next_review_on <= terms.ends_on
    ):
        errors.append(_error(
            "next_review_on", "review_outside_period",
            f"The next review ({terms.next_review_on}) falls outside {terms.starts_on}"
            f" to {terms.ends_on}.",
        ))  # fmt: skip
    if terms.ends_on < today:
        errors.append(_error(
            "ends_on", "already_ended", f"The authorization ended on {terms.ends_on}, before today."
        ))  # fmt: skip
    if span > max_days:
        errors.append(_error(
            "ends_on", "period_too_long",
            f"The authorization lasts {span} days; the program accepts at most {max_days}"
            " (setting max_authorization_days).",
        ))  # fmt: skip
    return errors


def extension_errors(current: Terms, extended: Terms) -> list[FieldError]:
    """What keeps a concurrent review's approval from extending `current`: fewer days, an
    earlier end, or nothing more at all. (It keeps the start: `extended` is built so.)"""
    errors: list[FieldError] = []
    if extended.authorized_days < current.authorized_days:
        errors.append(_error(
            "authorized_days", "fewer_days",
            f"A concurrent review extends the authorization: {extended.authorized_days} is fewer"
            f" than the {current.authorized_days} treatment days already authorized (the total"
            " after the review, not the days it adds).",
        ))  # fmt: skip
    if extended.ends_on < current.ends_on:
        errors.append(_error(
            "ends_on", "earlier_end",
            f"A concurrent review extends the authorization: {extended.ends_on} is before its"
            f" end on {current.ends_on}.",
        ))  # fmt: skip
    if (extended.authorized_days, extended.ends_on) == (current.authorized_days, current.ends_on):
        errors.append(_error(
            "authorized_days", "no_extension",
            "The review approves neither more treatment days nor a later end; record it as"
            " denied if the payer extended nothing.",
        ))  # fmt: skip
    return errors


def in_force(decisions: list[tuple[str, Terms | None]], approval: Terms | None) -> Terms | None:
    """The authorization in force: the latest approved payer decision when there is one (the
    decisions in the order they were recorded), else the clinician's approval of the
    admission. A denial changes nothing: what was authorized stays authorized."""
    for decision, terms in reversed(decisions):
        if decision == "approved" and terms is not None:
            return terms
    return approval


def _error(field: str, code: str, message: str) -> FieldError:
    return FieldError(field=field, code=code, message=message)
