"""The request owns its transaction: a failed commit is an error answer, and nothing is kept."""

from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.factories import Clinic


def test_a_commit_that_fails_answers_an_error_not_a_201(app: FastAPI, clinic: Clinic) -> None:
    def fail_commit(session: Session) -> None:
        raise RuntimeError("disk full")

    event.listen(app.state.sessionmaker, "before_commit", fail_commit)
    try:
        response = clinic.admin.post("/v1/api-keys", json={"name": "tablet", "role": "staff"})
    finally:
        event.remove(app.state.sessionmaker, "before_commit", fail_commit)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "disk full" not in response.text
    names = [key["name"] for key in clinic.admin.get("/v1/api-keys").json()["items"]]
    assert "tablet" not in names
