"""Patient: our patient record as a FHIR Patient, and a FHIR Patient as our bodies.

Out: name, identifiers, administrative gender, birth date, phone and email, the address, the
guardian as a contact with the HL7 role `GUARD`, and what FHIR has no element for (gender
identity, veteran status, tags for specialized groups) as extensions of ours.

In: the same elements; the first `official` name (else the first name); the first phone, email
and address; the contact coded `GUARD` as the guardian. Other elements are not stored. A FHIR
update replaces the whole resource, so what it leaves out is cleared, except the attributes
only our extensions carry: an EHR that does not know them keeps them as the clinic set them.
"""

from typing import Any

from fhir.resources.R4B.patient import Patient as FhirPatient
from pydantic import ValidationError

from app.errors import FieldError, Unprocessable, field_errors
from app.fhir.codes import GENDER_IDENTITY, IS_VETERAN, PATIENT_TAG, ROLE_CODE
from app.fhir.mapping.common import coding, meta, text
from app.fhir.outcome import BadRequest
from app.patients.schemas import Guardian, PatientCreate, PatientRead, PatientUpdate

GUARDIAN_ROLE = "GUARD"

# The fields of ours that FHIR Patient elements carry: a FHIR update sets every one of them.
CORE_FIELDS = frozenset({
    "given_name", "family_name", "date_of_birth", "sex", "phone", "email", "address",
    "guardian", "identifiers",
})  # fmt: skip
# Carried only by our extensions: changed by a FHIR update only when it sends them.
EXTENSION_FIELDS = {GENDER_IDENTITY: "gender_identity", IS_VETERAN: "is_veteran"}


def patient_resource(patient: PatientRead) -> dict[str, Any]:
    """Our patient as a FHIR Patient."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.id),
        "meta": meta(patient.version, patient.updated_at),
        "active": True,
        "birthDate": patient.date_of_birth.isoformat(),
    }
    # Free text as stored by /v1 may be whitespace alone, which a FHIR string cannot be.
    name: dict[str, Any] = {"use": "official"}
    if family := text(patient.family_name):
        name["family"] = family
    if given := text(patient.given_name):
        name["given"] = [given]
    resource["name"] = [name]
    extensions = [
        *([{"url": GENDER_IDENTITY, "valueString": text(patient.gender_identity)}]
          if text(patient.gender_identity) else []),
        *([{"url": IS_VETERAN, "valueBoolean": patient.is_veteran}]
          if patient.is_veteran is not None else []),
        *({"url": PATIENT_TAG, "valueCode": tag} for tag in patient.tags),
    ]  # fmt: skip
    if extensions:
        resource["extension"] = extensions
    if patient.identifiers:
        resource["identifier"] = [
            {"system": i.system, "value": i.value} for i in patient.identifiers
        ]
    if patient.sex is not None:
        resource["gender"] = patient.sex
    if telecom := _telecom(patient.phone, patient.email):
        resource["telecom"] = telecom
    if patient.address is not None:
        address = {
            "line": [line] if (line := text(patient.address.line)) else None,
            "city": text(patient.address.city),
            "state": text(patient.address.state),
            "postalCode": text(patient.address.postal_code),
            "country": text(patient.address.country),
        }
        if present := {name: value for name, value in address.items() if value}:
            resource["address"] = [present]
    if patient.guardian is not None:
        resource["contact"] = [_guardian_contact(patient.guardian)]
    return resource


def parse_patient(body: dict[str, Any]) -> FhirPatient:
    """A body as a FHIR R4 Patient, or 400 with every element that is not valid FHIR."""
    if body.get("resourceType") != "Patient":
        raise BadRequest(
            "The body must be a FHIR Patient resource.",
            errors=[FieldError(field="resourceType", code="invalid", message="must be Patient")],
        )
    try:
        return FhirPatient.model_validate(body)
    except ValidationError as error:
        raise BadRequest(
            "The body is not a valid FHIR R4 Patient.", errors=field_errors(error.errors())
        ) from None


def patient_create(resource: FhirPatient) -> PatientCreate:
    """A pushed FHIR Patient as our new patient (422 with FHIR paths when ours refuses it)."""
    try:
        return PatientCreate.model_validate(_fields(resource))
    except ValidationError as error:
        raise in_fhir_terms(
            Unprocessable("The patient is not acceptable.", errors=field_errors(error.errors()))
        ) from None


def patient_update(resource: FhirPatient) -> PatientUpdate:
    """A FHIR update as our update: every core field set (absent ones cleared), extension
    fields only when sent."""
    complete = patient_create(resource)
    sent = CORE_FIELDS | {
        field for url, field in EXTENSION_FIELDS.items() if _extensions(resource, url)
    }
    if _extensions(resource, PATIENT_TAG):
        sent |= {"tags"}
    return PatientUpdate.model_validate(
        {name: getattr(complete, name) for name in sent}, from_attributes=False
    )


def _fields(resource: FhirPatient) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    names = resource.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    if name is not None and name.given:
        fields["given_name"] = " ".join(name.given)
    if name is not None and name.family:
        fields["family_name"] = name.family
    if resource.birthDate is not None:
        fields["date_of_birth"] = resource.birthDate
    fields["sex"] = resource.gender
    fields["identifiers"] = [
        {"system": i.system, "value": i.value} for i in resource.identifier or []
    ]
    fields["phone"] = _first_telecom(resource.telecom, "phone")
    fields["email"] = _first_telecom(resource.telecom, "email")
    fields["address"] = _address(resource.address[0]) if resource.address else None
    fields["guardian"] = _guardian(resource.contact or [])
    for url, field in EXTENSION_FIELDS.items():
        if found := _extensions(resource, url):
            fields[field] = (
                found[0].valueString if field == "gender_identity" else (found[0].valueBoolean)
            )
    fields["tags"] = [e.valueCode for e in _extensions(resource, PATIENT_TAG)]
    return fields


def _extensions(resource: FhirPatient, url: str) -> list[Any]:
    return [e for e in resource.extension or [] if e.url == url]


def _telecom(phone: str | None, email: str | None) -> list[dict[str, Any]]:
    return [
        *([{"system": "phone", "value": phone}] if phone else []),
        *([{"system": "email", "value": email}] if email else []),
    ]


def _first_telecom(telecom: list[Any] | None, system: str) -> str | None:
    return next((t.value for t in telecom or [] if t.system == system and t.value), None)


def _address(address: Any) -> dict[str, Any] | None:
    fields = {
        "line": ", ".join(address.line) if address.line else None,
        "city": address.city,
        "state": address.state,
        "postal_code": address.postalCode,
        "country": address.country,
    }
    return fields if any(fields.values()) else None


def _guardian_contact(guardian: Guardian) -> dict[str, Any]:
    return {
        "relationship": [
            {"coding": [coding(ROLE_CODE, GUARDIAN_ROLE, "guardian")]},
            {"text": guardian.relationship},
        ],
        "name": {"text": guardian.name},
        **({"telecom": telecom} if (telecom := _telecom(guardian.phone, guardian.email)) else {}),
    }


def _guardian(contacts: list[Any]) -> dict[str, Any] | None:
    for contact in contacts:
        relationships = contact.relationship or []
        roles = {(c.system, c.code) for r in relationships for c in r.coding or []}
        if (ROLE_CODE, GUARDIAN_ROLE) not in roles:
            continue
        others = [r.text for r in relationships if r.text and not r.coding]
        name = contact.name
        full_name = None
        if name is not None:
            full_name = name.text or " ".join([*(name.given or []), name.family or ""]).strip()
        return {
            "name": full_name,
            "relationship": others[0] if others else "guardian",
            "phone": _first_telecom(contact.telecom, "phone"),
            "email": _first_telecom(contact.telecom, "email"),
        }
    return None


# Our field → the FHIR element that carried it, for errors an EHR can act on.
_ELEMENTS = {
    "given_name": "Patient.name.given",
    "family_name": "Patient.name.family",
    "date_of_birth": "Patient.birthDate",
    "sex": "Patient.gender",
    "phone": "Patient.telecom",
    "email": "Patient.telecom",
    "address": "Patient.address",
    "guardian": "Patient.contact",
    "identifiers": "Patient.identifier",
    "gender_identity": f"Patient.extension('{GENDER_IDENTITY}')",
    "is_veteran": f"Patient.extension('{IS_VETERAN}')",
    "tags": f"Patient.extension('{PATIENT_TAG}')",
}
_SUB_ELEMENTS = {"postal_code": "postalCode"}


def fhir_expression(field: str) -> str:
    """`address.postal_code` → `Patient.address.postalCode`; `identifiers[0].system` →
    `Patient.identifier[0].system`."""
    head, _, rest = field.partition(".")
    top, bracket, index = head.partition("[")
    element = _ELEMENTS.get(top, f"Patient.{top}")
    if top == "tags":
        return element
    path = element + (bracket + index if bracket else "")
    for part in filter(None, rest.split(".")):
        path += "." + _SUB_ELEMENTS.get(part, part)
    return path


def in_fhir_terms(error: Unprocessable) -> Unprocessable:
    """The same refusal, its fields named by the FHIR elements they came from."""
    fields = [
        FieldError(field=fhir_expression(e.field), code=e.code, message=e.message)
        for e in error.errors or []
    ]
    return Unprocessable(error.detail, errors=fields or None, **error.extensions)
