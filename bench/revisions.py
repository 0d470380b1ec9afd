"""What each change bought: the same requests against several git revisions, in one run.

    bench/revisions.py a2cab7f HEAD~2 HEAD [--database postgresql] [--patients 2000]

Each revision is checked out into a temporary worktree and imported, in its own process, by
this script's driver, which calls the ASGI application directly (no server, no network: the
time is the application's own) for every target, `--requests` times. Revisions run in turn,
round after round, against one database built by the current checkout's migrations. It
reports the best round's CPU time per request (the process's, every thread included) and wall
time: on a shared machine a neighbour only ever adds time, so the least is the closest to the
code's own cost. Each revision's CPU time is also given against the first's.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = (
    "eligibility", "month", "page", "page_no_total", "search", "search_given", "admissions",
    "admissions_no_total", "healthz",
)  # fmt: skip
SECRET = "bench-secret-of-at-least-sixteen-chars"
POSTGRES = os.environ.get("IOP_BENCH_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/postgres")
PROGRAM = {
    "name": "Adult IOP – Evening", "track": "evening", "time_zone": "America/New_York",
    "country": "US", "subdivision": "MA",
    "operating_hours": {
        day: {"opens": "17:00", "closes": "21:00"}
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    },
}  # fmt: skip


def requests_of(patient_id: str) -> dict[str, tuple[str, str, str]]:
    """Made here, not in the driver, which imports only the revision it measures."""
    from dataset import ASSESSMENT, MONTH

    first, last = MONTH
    return {
        "eligibility": ("POST", "/v1/eligibility/evaluations", ASSESSMENT),
        "month": ("GET", f"/v1/patients/{patient_id}/appointments?from={first}&to={last}", ""),
        "page": ("GET", "/v1/patients?limit=50", ""),
        "page_no_total": ("GET", "/v1/patients?limit=50&total=false", ""),
        # `riv`: a family name's prefix; `ma`: a given name's, one patient in twenty.
        "search": ("GET", "/v1/patients?name=riv&limit=50&total=false", ""),
        "search_given": ("GET", "/v1/patients?name=ma&limit=50&total=false", ""),
        "admissions": ("GET", "/v1/admissions?limit=50", ""),
        "admissions_no_total": ("GET", "/v1/admissions?limit=50&total=false", ""),
        "healthz": ("GET", "/healthz", ""),
    }


async def call(app: Any, key: str, method: str, target: str, body: bytes) -> int:
    """One request through the ASGI application, as a server would make it."""
    path, _, query = target.partition("?")
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {key}".encode())]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": headers, "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # no disconnect until the answer is sent
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def drive(root: str, requests: str, key: str, count: int) -> dict[str, list[float]]:
    """In a child process: import the revision at `root`, then time each request (`requests`:
    `requests_of`'s answer, as JSON)."""
    sys.path.insert(0, root)
    from app.main import create_app

    app = create_app()
    timed: dict[str, list[float]] = {}

    async def run() -> None:
        async with app.router.lifespan_context(app):
            for name, (method, target, text) in json.loads(requests).items():
                body = text.encode()
                for _ in range(max(count // 10, 5)):  # warm caches and pools
                    await call(app, key, method, target, body)
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(count):
                    status = await call(app, key, method, target, body)
                    if status != 200:
                        raise SystemExit(f"{name} answered {status}")
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                timed[name] = [cpu / count * 1000, wall / count * 1000]

    asyncio.run(run())
    return timed


def prepare(database: str, folder: Path, patients: int) -> tuple[str, str, str]:
    """A database holding a clinic and its patients: its URL, an admin key, the patient."""
    from dataset import create_clinic, load
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, make_url, text

    from app.config import Settings
    from app.main import create_app
    from app.migrations import upgrade_to_head

    if database == "sqlite":
        url = f"sqlite:///{folder}/revisions.db"
    else:
        name = f"iop_revisions_{uuid.uuid4().hex[:10]}"
        with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    settings = Settings(database_url=url, key_secret=SECRET, log_level="WARNING")
    organization_id, key = create_clinic(settings)
    with TestClient(create_app(settings)) as client:
        answer = client.post(
            "/v1/programs", json=PROGRAM, headers={"Authorization": f"Bearer {key}"}
        )
        answer.raise_for_status()
    patient_id = load(url, organization_id, uuid.UUID(answer.json()["id"]), patients)
    return url, key, str(patient_id)


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    from sqlalchemy import create_engine, make_url, text

    name = make_url(url).database
    with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def report(
    revisions: list[str], targets: list[str], timed: dict[str, dict[str, list[list[float]]]]
) -> str:
    first = revisions[0]
    lines = [
        "| request | " + " | ".join(f"`{r}` CPU ms (wall)" for r in revisions) + " |",
        "|---|" + "---:|" * len(revisions),
    ]
    for target in targets:
        cells = []
        base = min(run[0] for run in timed[first][target])
        for revision in revisions:
            runs = timed[revision][target]
            cpu, wall = min(run[0] for run in runs), min(run[1] for run in runs)
            change = "" if revision == first else f", {cpu / base:.2f}×"
            cells.append(f"{cpu:.3f} ({wall:.3f}{change})")
        lines.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revisions", nargs="*", default=["HEAD"])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300, help="per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--targets", default=",".join(TARGETS), help=f"some of {','.join(TARGETS)}")
    parser.add_argument("--drive", nargs=3, metavar=("ROOT", "REQUESTS", "KEY"), help="internal")
    args = parser.parse_args()
    targets = args.targets.split(",")
    if unknown := set(targets) - set(TARGETS):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if args.drive:
        root, requests, key = args.drive
        print(json.dumps(drive(root, requests, key, args.requests)))
        return
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    with tempfile.TemporaryDirectory() as folder:
        url, key, patient_id = prepare(args.database, Path(folder), args.patients)
        requests = {t: r for t, r in requests_of(patient_id).items() if t in targets}
        roots = {}
        for revision in args.revisions:
            roots[revision] = f"{folder}/rev-{len(roots)}"
            subprocess.run(
                ["git", "worktree", "add", "--detach", "--quiet", roots[revision], revision],
                cwd=ROOT, check=True,
            )  # fmt: skip
        env = os.environ | {
            "IOP_DATABASE_URL": url, "IOP_KEY_SECRET": SECRET, "IOP_LOG_LEVEL": "WARNING",
            "IOP_RATE_LIMIT": "1000000000/minute", "IOP_WEBHOOK_WORKER": "off",
        }  # fmt: skip
        timed: dict[str, dict[str, list[list[float]]]] = {r: {} for r in args.revisions}
        try:
            for _ in range(args.rounds):
                for revision in args.revisions:
                    command = [sys.executable, __file__, "--requests", str(args.requests)]
                    command += ["--drive", roots[revision], json.dumps(requests), key]
                    done = subprocess.run(command, env=env, capture_output=True, text=True)
                    if done.returncode != 0:
                        raise SystemExit(f"{revision} failed:\n{done.stderr[-2000:]}")
                    for target, measured in json.loads(done.stdout.splitlines()[-1]).items():
                        timed[revision].setdefault(target, []).append(measured)
        finally:
            for root in roots.values():
                subprocess.run(["git", "worktree", "remove", "--force", root], cwd=ROOT)
            drop(url)
    print(f"{args.database}, {args.patients:,} patients, {args.requests} requests per target,")
    print(f"best of {args.rounds} rounds; CPU time per request, wall time in brackets:\n")
    print(report(args.revisions, targets, timed))


if __name__ == "__main__":
    main()
