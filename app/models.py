"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from app.access.models import ApiKey, Organization
from app.admissions.models import (
    Admission,
    AdmissionAssessment,
    AdmissionTransition,
    PriorAuthorization,
)
from app.assignments.models import HomeAssignment
from app.attendance.models import Alert, AttendanceRecord, AttendanceRevision, DrugScreen
from app.audit.models import AuditChainHead, AuditEvent, AuditEventPatient
from app.case_management.models import CaseTask
from app.coverages.models import Coverage
from app.db import Base
from app.estimates.models import CostEstimate, GoodFaithEstimate
from app.events.models import DomainEventRecord
from app.groups.models import GroupMembership, TherapyGroup
from app.idempotency.models import IdempotencyRecord
from app.inquiries.models import InsuranceInquiry
from app.patients.models import ConsentRecord, Patient, PatientIdentifier
from app.programs.models import Program, ProgramSettingsVersion, Room, StaffMember
from app.scheduling.models import Appointment, TreatmentPlan, TreatmentPlanSession
from app.verifications.models import InsuranceVerification, X12ControlNumber
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "Admission",
    "AdmissionAssessment",
    "AdmissionTransition",
    "Alert",
    "ApiKey",
    "Appointment",
    "AttendanceRecord",
    "AttendanceRevision",
    "AuditChainHead",
    "AuditEvent",
    "AuditEventPatient",
    "Base",
    "CaseTask",
    "ConsentRecord",
    "CostEstimate",
    "Coverage",
    "DomainEventRecord",
    "DrugScreen",
    "GoodFaithEstimate",
    "GroupMembership",
    "HomeAssignment",
    "IdempotencyRecord",
    "InsuranceInquiry",
    "InsuranceVerification",
    "Organization",
    "Patient",
    "PatientIdentifier",
    "PriorAuthorization",
    "Program",
    "ProgramSettingsVersion",
    "Room",
    "StaffMember",
    "TherapyGroup",
    "TreatmentPlan",
    "TreatmentPlanSession",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "X12ControlNumber",
]
