"""The admission lifecycle: which action moves an admission from which state to which.

pending ──approve──▶ approved ──start──▶ active ──discharge──▶ discharged
                                          │  ▲
                                     hold ▼  │ resume
                                         on_hold ──discharge──▶ discharged
any open state ──cancel──▶ cancelled        (referred: another level was recommended)
"""

from enum import StrEnum

from app.vocabulary import OPEN_ADMISSION, AdmissionStatus


class AdmissionAction(StrEnum):
    approve = "approve"
    start = "start"
    hold = "hold"
    resume = "resume"
    discharge = "discharge"
    cancel = "cancel"
    reassess = "reassess"


S = AdmissionStatus


# action → (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[AdmissionAction, tuple[frozenset[AdmissionStatus], AdmissionStatus | None]] = {
    AdmissionAction.approve: (frozenset({S.pending}), S.approved),
    AdmissionAction.start: (frozenset({S.approved}), S.active),
    AdmissionAction.hold: (frozenset({S.active}), S.on_hold),
    AdmissionAction.resume: (frozenset({S.on_hold}), S.active),
    AdmissionAction.discharge: (frozenset({S.active, S.on_hold}), S.discharged),
    AdmissionAction.cancel: (OPEN_ADMISSION, S.cancelled),
    AdmissionAction.reassess: (OPEN_ADMISSION, None),
}


def next_status(current: AdmissionStatus, action: AdmissionAction) -> AdmissionStatus | None:
    """The state `action` leads to from `current`; None when the action is not allowed."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        return None
    return target or current


def allowed_actions(current: AdmissionStatus) -> list[AdmissionAction]:
    return [action for action in AdmissionAction if next_status(current, action) is not None]


def initial_status(outcome: str) -> AdmissionStatus:
    """A referral to another level closes the admission at once; anything else waits for
    approval (an incomplete assessment is completed by a re-assessment)."""
    return S.referred if outcome in ("refer_higher", "refer_lower") else S.pending


def closes(action: AdmissionAction) -> bool:
    """Whether `action` ends the admission (its seats, plan and bookings end with it)."""
    target = TRANSITIONS[action][1]
    return target is not None and target not in OPEN_ADMISSION
