import uuid
from typing import Any

import pytest
from fastapi import FastAPI

from tests.factories import Clinic, make_patient, make_program


@pytest.fixture
def program(clinic: Clinic) -> dict[str, Any]:
    return make_program(clinic)


@pytest.fixture
def patient(app: FastAPI, clinic: Clinic) -> uuid.UUID:
    """An adult born 1990-05-17: 35 on the tests' day, 2026-03-02."""
    return make_patient(app, clinic)
