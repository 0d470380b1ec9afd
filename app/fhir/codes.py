"""The systems, extensions and media type the FHIR interface speaks, named once.

Our own code systems and extensions live under one base URI, like the problem types of `/v1`;
the HL7 ones are the standard terminology the resources ask for.
"""

FHIR_JSON = "application/fhir+json"
FHIR_VERSION = "4.0.1"

BASE = "https://iop.example/fhir"


def code_system(name: str) -> str:
    return f"{BASE}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{BASE}/StructureDefinition/{name}"


# Ours: values of this service's vocabulary, kept as they are.
ADMISSION_STATUS = extension("admission-status")
DISCHARGE_TYPE = extension("discharge-type")
GENDER_IDENTITY = extension("gender-identity")
IS_VETERAN = extension("is-veteran")
PATIENT_TAG = extension("patient-tag")

ADMISSION_STATUS_SYSTEM = code_system("admission-status")
DISCHARGE_TYPE_SYSTEM = code_system("discharge-type")
SESSION_KIND_SYSTEM = code_system("session-kind")
CANCEL_REASON_SYSTEM = code_system("appointment-cancel-reason")
GROUP_TOPIC_SYSTEM = code_system("group-topic")
CRITERION_ATTRIBUTE_SYSTEM = code_system("group-criterion-attribute")
CRITERION_VALUE_SYSTEM = code_system("group-criterion-value")
LEVEL_OF_CARE_SYSTEM = code_system("level-of-care")

# HL7's.
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
UCUM = "http://unitsofmeasure.org"
