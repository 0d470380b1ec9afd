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
NETWORK_STATUS = extension("network-status")
REQUIRES_PRIOR_AUTHORIZATION = extension("requires-prior-authorization")
BENEFIT_MET = extension("benefit-met")
BENEFIT_SOURCE = extension("benefit-source")
BENEFIT_RECORDED_ON = extension("benefit-recorded-on")

ADMISSION_STATUS_SYSTEM = code_system("admission-status")
DISCHARGE_TYPE_SYSTEM = code_system("discharge-type")
SESSION_KIND_SYSTEM = code_system("session-kind")
CANCEL_REASON_SYSTEM = code_system("appointment-cancel-reason")
GROUP_TOPIC_SYSTEM = code_system("group-topic")
CRITERION_ATTRIBUTE_SYSTEM = code_system("group-criterion-attribute")
CRITERION_VALUE_SYSTEM = code_system("group-criterion-value")
LEVEL_OF_CARE_SYSTEM = code_system("level-of-care")
PAYER_TYPE_SYSTEM = code_system("payer-type")
NETWORK_STATUS_SYSTEM = code_system("network-status")
BENEFIT_SOURCE_SYSTEM = code_system("benefit-source")
# The payer's electronic id (the one an X12 270 is addressed to).
PAYER_ID_SYSTEM = f"{BASE}/NamingSystem/payer-id"

# HL7's.
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
UCUM = "http://unitsofmeasure.org"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
COVERAGE_COPAY_TYPE = "http://terminology.hl7.org/CodeSystem/coverage-copay-type"
# PHDSC Source of Payment Typology, the payer types US Core gives Coverage.type.
PAYMENT_TYPOLOGY = "urn:oid:2.16.840.1.113883.3.221.5"
# Amounts are in dollars, as everywhere in the service.
CURRENCY = "USD"
