"""The front door's admission: how many requests the process works on at once, and when a
request holds its place (from when its body is in until its answer starts)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from starlette.types import Message

from app import middleware
from app.config import Settings
from app.middleware import FrontDoor


class Handlers:
    """An app whose handler for each path waits until the test lets it answer."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    def gate(self, path: str) -> asyncio.Event:
        return self.release.setdefault(path, asyncio.Event())

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.started.append(scope["path"])
        await self.gate(scope["path"]).wait()
        if scope["path"].endswith("/fails"):
            raise RuntimeError("the handler failed")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * 10 + body})


def front_door(app: Handlers, concurrency: int) -> FrontDoor:
    return FrontDoor(
        app,
        max_bytes=1_000,
        batch_max_bytes=1_000,
        concurrency=concurrency,
        hsts_seconds=0,
    )


def request(
    door: FrontDoor,
    path: str,
    *,
    method: str = "GET",
    receive: Callable[[], Awaitable[Message]] | None = None,
    send_body: asyncio.Event | None = None,
) -> "asyncio.Task[list[Message]]":
    """A client's request as a task: its answer's messages. `send_body`: the client reads the
    answer's body only once it is set (a slow reader)."""
    sent: list[Message] = []

    async def empty() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body" and send_body is not None:
            await send_body.wait()
        sent.append(message)

    async def run() -> list[Message]:
        scope = {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}
        await door(scope, receive or empty, send)
        return sent

    return asyncio.ensure_future(run())


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def answered(door: FrontDoor, app: Handlers, path: str) -> None:
    """A request to `path`, whose handler answers at once, gets its answer within seconds."""
    app.gate(path).set()
    assert status_of(await asyncio.wait_for(request(door, path), 5)) == 200


def status_of(messages: list[Message]) -> int:
    return int(next(m["status"] for m in messages if m["type"] == "http.response.start"))


def test_one_place_admits_the_next_request_only_once_the_first_answers() -> None:
    async def scenario() -> None:
        app = Handlers()
        door = front_door(app, concurrency=1)
        first, second = request(door, "/v1/first"), request(door, "/v1/second")
        await settle()
        assert app.started == ["/v1/first"]
        app.gate("/v1/first").set()
        app.gate("/v1/second").set()
        assert status_of(await first) == 200
        assert status_of(await second) == 200
        assert app.started == ["/v1/first", "/v1/second"]

    asyncio.run(scenario())


def test_two_places_admit_two_requests_at_once() -> None:
    async def scenario() -> None:
        app = Handlers()
        door = front_door(app, concurrency=2)
        tasks = [request(door, f"/v1/{name}") for name in ("a", "b", "c")]
        await settle()
        assert app.started == ["/v1/a", "/v1/b"]
        for name in ("a", "b", "c"):
            app.gate(f"/v1/{name}").set()
        await asyncio.gather(*tasks)
        assert app.started == ["/v1/a", "/v1/b", "/v1/c"]

    asyncio.run(scenario())


def test_a_client_reading_its_answer_slowly_holds_no_place() -> None:
    async def scenario() -> None:
        app = Handlers()
        door = front_door(app, concurrency=1)
        app.gate("/v1/slow-reader").set()
        reading = asyncio.Event()
        slow = request(door, "/v1/slow-reader", send_body=reading)
        await settle()
        await answered(door, app, "/v1/next")
        assert not slow.done()
        reading.set()
        assert status_of(await slow) == 200

    asyncio.run(scenario())


def test_a_client_sending_its_body_slowly_holds_no_place() -> None:
    async def scenario() -> None:
        app = Handlers()
        door = front_door(app, concurrency=1)
        app.gate("/v1/upload").set()
        rest_of_body = asyncio.Event()
        parts = [b'{"a": ', b"1}"]

        async def slow_upload() -> Message:
            if len(parts) == 1:
                await rest_of_body.wait()
            return {"type": "http.request", "body": parts.pop(0), "more_body": len(parts) > 0}

        upload = request(door, "/v1/upload", method="POST", receive=slow_upload)
        await settle()
        await answered(door, app, "/v1/next")
        assert app.started == ["/v1/next"]
        rest_of_body.set()
        answer = await upload
        assert answer[-1]["body"].endswith(b'{"a": 1}')

    asyncio.run(scenario())


def test_bodies_read_at_once_are_bounded_but_hold_back_no_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(middleware, "BODIES_AT_ONCE", 1)

    async def scenario() -> None:
        app = Handlers()
        door = front_door(app, concurrency=4)
        app.gate("/v1/first-upload").set()
        app.gate("/v1/second-upload").set()
        rest_of_first = asyncio.Event()
        read: list[str] = []

        def uploading(path: str, wait: asyncio.Event | None) -> Callable[[], Awaitable[Message]]:
            async def receive() -> Message:
                read.append(path)
                if wait is not None:
                    await wait.wait()
                return {"type": "http.request", "body": b"{}", "more_body": False}

            return receive

        first = request(
            door, "/v1/first-upload", method="POST",
            receive=uploading("/v1/first-upload", rest_of_first),
        )  # fmt: skip
        await settle()
        second = request(
            door, "/v1/second-upload", method="POST",
            receive=uploading("/v1/second-upload", None),
        )  # fmt: skip
        await settle()
        assert read == ["/v1/first-upload"]  # the second body waits for the first's
        await answered(door, app, "/v1/read")
        rest_of_first.set()
        await asyncio.gather(first, second)
        assert app.started == ["/v1/read", "/v1/first-upload", "/v1/second-upload"]

    asyncio.run(scenario())


def test_a_failed_request_gives_its_place_back() -> None:
    async def scenario() -> None:
        app = Handlers()
        door = front_door(app, concurrency=1)
        failing, nxt = request(door, "/v1/fails"), request(door, "/v1/next")
        await settle()
        app.gate("/v1/fails").set()
        app.gate("/v1/next").set()
        with pytest.raises(RuntimeError):
            await failing
        assert status_of(await asyncio.wait_for(nxt, 5)) == 200

    asyncio.run(scenario())


@pytest.mark.parametrize("probe", ["/healthz", "/readyz", "/metrics"])
def test_probes_answer_while_every_place_is_taken(probe: str) -> None:
    async def scenario() -> None:
        app = Handlers()
        door = front_door(app, concurrency=1)
        busy = request(door, "/v1/busy")
        await settle()
        await answered(door, app, probe)
        assert not busy.done()
        app.gate("/v1/busy").set()
        await busy

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("database_url", "configured", "admitted"),
    [
        ("sqlite:///./iop.db", None, 1),
        ("postgresql://127.0.0.1:5432/iop", None, 32),
        ("sqlite:///./iop.db", 8, 8),
        ("postgresql://127.0.0.1:5432/iop", 4, 4),
    ],
)
def test_requests_admitted_at_once_default_by_database(
    database_url: str, configured: int | None, admitted: int
) -> None:
    settings = Settings(database_url=database_url, max_concurrent_requests=configured)
    assert settings.admitted_at_once == admitted
