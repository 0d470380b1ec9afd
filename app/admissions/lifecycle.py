"""The admission lifecycle: which action moves an admission from which state to which.

pending ──approve──▶ approved ──start──▶ active ──discharge──▶ discharged
  ▲  │                                    │  ▲
  │  │ re-assessed:                  hold ▼  │ resume
  │  │ a referral                        on_hold ──discharge──▶ discharged
  │  ▼
referred   (re-assessed eligible: back to pending)

pending, referred, approved ──cancel──▶ cancelled   (only before treatment starts; once it
                                                     has started, treatment ends by discharge)
every state but discharged and cancelled ──reassess──▶ (see `after_reassessment`)

Approving, starting and resuming also need the latest assessment to support IOP: a
re-assessment that refers elsewhere stands until another one says IOP fits.
"""

from enum import StrEnum
from functools import cache

from app.vocabulary import AdmissionStatus


class AdmissionAction(StrEnum):
    approve = "approve"
    start = "start"
    hold = "hold"
    resume = "resume"
    discharge = "discharge"
    cancel = "cancel"
    reassess = "reassess"


S = AdmissionStatus

# Ended for good: nothing moves a discharged or cancelled admission again.
FINAL = frozenset({S.discharged, S.cancelled})
# Treatment has not started yet, so the admission may still be called off.
BEFORE_TREATMENT = frozenset({S.pending, S.referred, S.approved})

# action → (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[AdmissionAction, tuple[frozenset[AdmissionStatus], AdmissionStatus | None]] = {
    AdmissionAction.approve: (frozenset({S.pending}), S.approved),
    AdmissionAction.start: (frozenset({S.approved}), S.active),
    AdmissionAction.hold: (frozenset({S.active}), S.on_hold),
    AdmissionAction.resume: (frozenset({S.on_hold}), S.active),
    AdmissionAction.discharge: (frozenset({S.active, S.on_hold}), S.discharged),
    AdmissionAction.cancel: (BEFORE_TREATMENT, S.cancelled),
    AdmissionAction.reassess: (frozenset(S) - FINAL, None),
}

# Actions that put (or keep) the patient in IOP: only on an assessment that supports it.
NEEDS_ELIGIBLE_DECISION = frozenset(
    {AdmissionAction.approve, AdmissionAction.start, AdmissionAction.resume}
)
REFERRALS = frozenset({"refer_higher", "refer_lower"})


def next_status(current: AdmissionStatus, action: AdmissionAction) -> AdmissionStatus | None:
    """The state `action` leads to from `current`; None when the action is not allowed."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        return None
    return target or current


def decision_allows(action: AdmissionAction, outcome: str) -> bool:
    """Whether the latest decision's `outcome` lets `action` go ahead."""
    return action not in NEEDS_ELIGIBLE_DECISION or outcome == "eligible"


def allowed_actions(current: AdmissionStatus, outcome: str) -> list[AdmissionAction]:
    """What may be done now: the state allows it and the latest decision does not forbid it."""
    return list(_allowed(current, outcome))


@cache  # a handful of states and outcomes, asked for every admission of every page
def _allowed(current: AdmissionStatus, outcome: str) -> tuple[AdmissionAction, ...]:
    return tuple(
        action
        for action in AdmissionAction
        if next_status(current, action) is not None and decision_allows(action, outcome)
    )


def after_reassessment(current: AdmissionStatus, outcome: str) -> AdmissionStatus:
    """Before approval the state follows the latest decision: a referral is `referred`, and a
    referred admission whose re-assessment is eligible waits for approval again. Once approved
    the state stays; the decision then gates `start` and `resume` (`decision_allows`)."""
    if current == S.pending and outcome in REFERRALS:
        return S.referred
    if current == S.referred and outcome == "eligible":
        return S.pending
    return current


def initial_status(outcome: str) -> AdmissionStatus:
    """A referral to another level is `referred`; anything else waits for approval (an
    incomplete assessment is completed by a re-assessment)."""
    return after_reassessment(S.pending, outcome)


def closes(action: AdmissionAction) -> bool:
    """Whether `action` ends the admission (its seats, plan and bookings end with it)."""
    target = TRANSITIONS[action][1]
    return target is not None and target in FINAL
