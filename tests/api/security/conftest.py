import pytest
from anyio.from_thread import BlockingPortal
from fastapi import FastAPI

from tests.api.security.dataset import Dataset, build_dataset


@pytest.fixture(scope="session")
def datasets(session_app: FastAPI, event_loop_thread: BlockingPortal) -> tuple[Dataset, Dataset]:
    """Two organizations with one of everything, committed once for the session."""
    return (
        build_dataset(session_app, "Matrix Recovery", event_loop_thread),
        build_dataset(session_app, "Matrix Other", event_loop_thread),
    )
