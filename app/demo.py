"""A small, realistic data set so a newcomer can see the service working."""

from collections.abc import Iterator

from sqlalchemy.orm import Session

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.security import Role


def load_demo(session: Session, secret: str) -> Iterator[str]:
    organization = access_service.create_organization(session, "Riverbend Recovery (demo)")
    yield f"organization {organization.name}: {organization.id}"
    for role in (Role.admin, Role.staff, Role.clinician, Role.ehr):
        request = ApiKeyCreate(name=f"demo {role} key", role=role)
        _key, raw_key = access_service.issue_key(session, organization.id, request, secret)
        yield f"{role} key: {raw_key}"
