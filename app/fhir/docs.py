"""How the FHIR routes appear in the OpenAPI document: their bodies are FHIR resources (the
specification defines them; these models only outline them) and their errors OperationOutcomes."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.fhir.codes import FHIR_JSON


class FhirMeta(BaseModel):
    version_id: str = Field(alias="versionId", examples=["3"])
    last_updated: str = Field(alias="lastUpdated", examples=["2026-03-02T15:00:00Z"])


class FhirResource(BaseModel):
    """A FHIR R4 resource; its other elements are the specification's."""

    model_config = ConfigDict(extra="allow")
    resource_type: str = Field(alias="resourceType", examples=["Patient"])
    id: str = Field(examples=["0190a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"])
    meta: FhirMeta


class FhirBundleLink(BaseModel):
    relation: Literal["self", "first", "previous", "next", "last"]
    url: str


class FhirBundleEntry(BaseModel):
    full_url: str = Field(alias="fullUrl")
    resource: FhirResource
    search: dict[str, str] = Field(examples=[{"mode": "match"}])


class FhirBundle(BaseModel):
    """A searchset Bundle: one page of search results."""

    resource_type: Literal["Bundle"] = Field(alias="resourceType")
    type: Literal["searchset"]
    total: int = Field(description="How many resources match, over all pages.")
    link: list[FhirBundleLink]
    entry: list[FhirBundleEntry]


class FhirIssue(BaseModel):
    severity: str = Field(examples=["error"])
    code: str = Field(examples=["not-found"])
    diagnostics: str = Field(examples=["No patient with id … in your organization."])
    details: dict[str, Any] | None = None
    expression: list[str] | None = Field(None, examples=[["Patient.birthDate"]])


class FhirOperationOutcome(BaseModel):
    """What went wrong, as FHIR says it."""

    resource_type: Literal["OperationOutcome"] = Field(alias="resourceType")
    issue: list[FhirIssue]


_TITLES = {
    400: "Not a valid FHIR request (an unparsable resource or search)",
    401: "Missing or invalid API key",
    403: "Not allowed for this role",
    404: "No such resource in your organization",
    409: "Conflicts with a stored resource (such as an identifier another patient has)",
    412: "If-Match does not match the version, or the condition matches several patients",
    422: "The resource breaks a rule of this service",
    429: "Too many requests",
}


def outcomes(*statuses: int) -> dict[int | str, Any]:
    """The error answers of a FHIR route: OperationOutcomes as `application/fhir+json`."""
    documented: dict[int | str, Any] = {
        status: {"model": FhirOperationOutcome, "description": _TITLES[status]}
        for status in (400, 401, 403, 429, *statuses)
    }
    documented["4XX"] = {"model": FhirOperationOutcome, "description": "Any other failure"}
    return documented


def answers(model: type[BaseModel], description: str, status: int = 200) -> dict[int | str, Any]:
    return {status: {"model": model, "description": description}}


FHIR_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A FHIR R4 Patient.",
        "content": {
            media_type: {"schema": {"$ref": "#/components/schemas/FhirResource"}}
            for media_type in (FHIR_JSON, "application/json")
        },
    }
}
