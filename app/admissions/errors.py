"""Failures about an admission's state that other domains answer too, each with its own type."""

from app.errors import Conflict


class AdmissionNotStarted(Conflict):
    slug, title = "admission-not-started", "The admission's treatment has not started"


class AdmissionClosed(Conflict):
    slug, title = "admission-closed", "The admission is discharged or cancelled"
