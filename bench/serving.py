"""The served API against a bare FastAPI endpoint, over HTTP, with `wrk` (see `bench/run`).

For each database (SQLite, PostgreSQL) and size (patients, with 10 appointments each) it builds
a fresh database with the migrations, loads it set-based (`bench/dataset.py`), starts the real
server (uvicorn, one worker) and the baseline app (`bench/baseline.py`) on 127.0.0.1, and drives
them in interleaved rounds: every target, then the baseline, round after round, so a noisy
neighbour slows both. It reports requests per second as a ratio to the baseline of the same
round (the median over rounds), with p50 and p99 latencies, as Markdown. Beside the service it
serves the ceilings, each request's own work with nothing of the service around it:
`bench/floor.py` (the evaluation on bare FastAPI) and, on PostgreSQL, `bench/reads_floor.py`
(the month and the page of patients with no framework).
"""

import argparse
import asyncio
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import httpx
from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataset import ASSESSMENT, MONTH, create_clinic, load
from enrollment import CLIENTS, SEATS, Rush, rush

from app.config import Settings
from app.migrations import upgrade_to_head

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECRET = "bench-secret-of-at-least-sixteen-chars"
POSTGRES = os.environ.get("IOP_BENCH_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    body: str | None = None  # a POST body, else GET
    # Who answers it: the service, `bench/floor.py` (the evaluation's rules on bare FastAPI)
    # or `bench/reads_floor.py` (a read's statements and audit with no framework).
    served_by: Literal["service", "floor", "reads floor"] = "service"


@dataclass(frozen=True)
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    failures: int


def targets(patient_id: uuid.UUID, database: str) -> list[Target]:
    first, last = MONTH
    month = f"/v1/patients/{patient_id}/appointments?from={first}&to={last}"
    page = "/v1/patients?limit=50"

    def ceiling(name: str, path: str) -> list[Target]:
        """The read's own work with no framework (`bench/reads_floor.py`), on PostgreSQL."""
        if database != "postgresql":
            return []
        name += ", its statements and audit alone, no framework (the ceiling)"
        return [Target(name, path, served_by="reads floor")]

    return [
        Target("eligibility evaluation", "/v1/eligibility/evaluations", ASSESSMENT),
        Target(
            "eligibility rules alone, bare FastAPI (the ceiling)",
            "/v1/eligibility/evaluations",
            ASSESSMENT,
            served_by="floor",
        ),
        Target("a patient's month of appointments", month),
        *ceiling("a patient's month", month),
        Target("a page of 50 patients", page),
        *ceiling("a page of 50 patients", page),
        Target("a page of 50 patients, no total", page + "&total=false"),
        Target("name search, no total", "/v1/patients?name=riv&limit=50&total=false"),
        # One patient in twenty has a given name that starts with `ma` (`Maria`).
        Target(
            "name search by a common given name, no total",
            "/v1/patients?name=ma&limit=50&total=false",
        ),
        Target("a page of 50 admissions, no total", "/v1/admissions?limit=50&total=false"),
        Target("/healthz", "/healthz"),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(app: str, env: dict[str, str], *extra: str) -> Iterator[str]:
    port = free_port()
    command = [PYTHON, "-m", "uvicorn", *extra, app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ | env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{app} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder}/bench-{uuid.uuid4().hex[:8]}.db"
        return
    name = f"iop_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def drive(url: str, target: Target | None, key: str, seconds: float, connections: int) -> Measure:
    """`wrk` when installed; else a bounded asyncio client (slower, so ratios run higher)."""
    if shutil.which("wrk") is not None:
        return wrk(url, target, key, seconds, connections)
    return asyncio.run(httpx_load(url, target, key, seconds, connections))


async def httpx_load(
    url: str, target: Target | None, key: str, seconds: float, connections: int
) -> Measure:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    method = "POST" if target is not None and target.body is not None else "GET"
    address = url + (target.path if target else "/")
    body = target.body if target is not None else None
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10) as client:
        deadline = time.perf_counter() + seconds

        async def one_client() -> None:
            nonlocal failures
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                answer = await client.request(method, address, content=body)
                latencies.append((time.perf_counter() - started) * 1000)
                failures += answer.status_code >= 300

        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return Measure(
        rps=len(latencies) / elapsed,
        p50_ms=latencies[len(latencies) // 2] if latencies else float("nan"),
        p99_ms=latencies[int(len(latencies) * 0.99)] if latencies else float("nan"),
        failures=failures,
    )


def wrk(url: str, target: Target | None, key: str, seconds: float, connections: int) -> Measure:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    command += ["-H", f"Authorization: Bearer {key}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if target is not None and target.body is not None:
            body = target.body.replace("\\", "\\\\").replace('"', '\\"')
            script.write(f'wrk.method = "POST"\nwrk.body = "{body}"\n')
            script.write('wrk.headers["Content-Type"] = "application/json"\n')
    command += ["-s", script.name, url + (target.path if target else "/")]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    return parse_wrk(output)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> Measure:
    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    failures = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: .*timeout (\d+)", output)
    return Measure(
        rps=float(rps.group(1)) if rps else 0.0,
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        failures=(int(failures.group(1)) if failures else 0)
        + (int(errors.group(1)) if errors else 0),
    )


def check(url: str, target: Target, key: str) -> None:
    """Each target answers 200 before it is measured: a fast error is no result."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    answer = httpx.request(
        "POST" if target.body else "GET", url + target.path, headers=headers,
        content=target.body, timeout=30,
    )  # fmt: skip
    if answer.status_code != 200:
        raise SystemExit(f"{target.name} answered {answer.status_code}: {answer.text[:300]}")


@dataclass
class Row:
    database: str
    patients: int
    target: str
    connections: int
    ratio: float
    p50_ms: float
    p99_ms: float
    rps: float
    failures: int


@dataclass(frozen=True)
class Servers:
    base: str  # the bare endpoint
    by_name: dict[str, str]  # the URL of each of `Target.served_by`

    def of(self, target: Target) -> str:
        return self.by_name[target.served_by]


def measure(
    servers: Servers, key: str, chosen: list[Target], args: argparse.Namespace,
    connections: int, database: str, patients: int,
) -> list[Row]:  # fmt: skip
    runs: dict[str, list[tuple[float, Measure]]] = {t.name: [] for t in chosen}
    for _ in range(args.rounds):
        for target in chosen:
            baseline = drive(servers.base, None, key, args.seconds, connections)
            measured = drive(servers.of(target), target, key, args.seconds, connections)
            runs[target.name].append((measured.rps / max(baseline.rps, 1e-9), measured))
    rows = []
    for target in chosen:
        found = runs[target.name]
        rows.append(
            Row(
                database, patients, target.name, connections,
                ratio=statistics.median(r for r, _ in found),
                p50_ms=statistics.median(m.p50_ms for _, m in found),
                p99_ms=max(m.p99_ms for _, m in found),
                rps=statistics.median(m.rps for _, m in found),
                failures=sum(m.failures for _, m in found),
            )
        )  # fmt: skip
    return rows


def bench_database(
    database: str, patients: int, args: argparse.Namespace, shared: Servers
) -> list[Row]:
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_database(database, Path(folder)) as url,
        ExitStack() as running,
    ):
        upgrade_to_head(url)
        settings = Settings(database_url=url, key_secret=SECRET, log_level="WARNING")
        organization_id, key = create_clinic(settings)
        env = {
            "IOP_DATABASE_URL": url, "IOP_KEY_SECRET": SECRET, "IOP_LOG_LEVEL": "WARNING",
            "IOP_RATE_LIMIT": "1000000000/minute", "IOP_DB_POOL_SIZE": "5",
        }  # fmt: skip
        app_url = running.enter_context(server("app.main:create_app", env, "--factory"))
        program = httpx.post(
            app_url + "/v1/programs",
            headers={"Authorization": f"Bearer {key}"},
            json={
                "name": "Adult IOP – Evening", "track": "evening",
                "time_zone": "America/New_York", "country": "US", "subdivision": "MA",
                "operating_hours": {
                    day: {"opens": "17:00", "closes": "21:00"}
                    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
                },
            },
            timeout=30,
        )  # fmt: skip
        program.raise_for_status()
        started = time.perf_counter()
        patient_id = load(url, organization_id, uuid.UUID(program.json()["id"]), patients)
        loaded = time.perf_counter() - started
        print(f"{database}: {patients} patients loaded in {loaded:.1f} s", flush=True)
        by_name = shared.by_name | {"service": app_url}
        if database == "postgresql":
            floor_env = env | {"BENCH_ORGANIZATION_ID": str(organization_id)}
            reads_floor = server("reads_floor:app", floor_env, "--app-dir", str(ROOT / "bench"))
            by_name["reads floor"] = running.enter_context(reads_floor)
        servers = Servers(shared.base, by_name)
        chosen = targets(patient_id, database)
        for target in chosen:
            check(servers.of(target), target, key)
        rows = measure(servers, key, chosen, args, args.connections, database, patients)
        if database == "sqlite" and args.connections != 1:
            reads = [t for t in chosen if t.body is None and t.name != "/healthz"]
            rows += measure(servers, key, reads, args, 1, database, patients)
        return rows


def bench_enrollment() -> Rush:
    """64 clients enrolling at once, against four worker processes on PostgreSQL."""
    with tempfile.TemporaryDirectory() as folder, fresh_database("postgresql", Path(folder)) as url:
        upgrade_to_head(url)
        settings = Settings(database_url=url, key_secret=SECRET, log_level="WARNING")
        organization_id, key = create_clinic(settings)
        env = {
            "IOP_DATABASE_URL": url, "IOP_KEY_SECRET": SECRET, "IOP_LOG_LEVEL": "WARNING",
            "IOP_RATE_LIMIT": "1000000000/minute", "IOP_DB_POOL_SIZE": "5",
        }  # fmt: skip
        with server("app.main:create_app", env, "--factory", "--workers", "4") as app_url:
            return rush(app_url, key, url, organization_id)


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.system()} {platform.release()}, {model}, {os.cpu_count()} CPUs visible,"
        f" Python {platform.python_version()}"
    )


def report_rush(found: Rush) -> str:
    answers = ", ".join(
        f"{count} × {status or 'dropped connection'}"
        for status, count in sorted(found.statuses.items())
    )
    verdict = "never overfilled" if found.largest_group <= SEATS else "**OVERFILLED**"
    return (
        f"\n## Enrollment rush (PostgreSQL, 4 worker processes, {CLIENTS} clients)\n\n"
        f"{found.requests} enrollment requests into 8 groups of {SEATS} seats, half of them ready"
        f" to wait: {found.per_second:.0f} requests per second ({found.seconds:.1f} s);"
        f" answers {answers}; the fullest group holds {found.largest_group} members:"
        f" {verdict}.\n"
    )


def report(rows: list[Row], args: argparse.Namespace) -> str:
    client = "wrk, one thread" if shutil.which("wrk") else "an asyncio httpx client"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {machine()}.",
        f"One uvicorn worker; {client}; {args.rounds} interleaved rounds of"
        f" {args.seconds} s per target. **ratio** is requests per second against the bare"
        " FastAPI endpoint measured just before it (median over rounds); p50 is the median"
        " over rounds, p99 the worst round's. The machine is shared, so absolute numbers are"
        " noisy; ratios within one run travel.",
        "",
        "| database | patients | target | connections | ratio | req/s | p50 ms | p99 ms"
        " | non-2xx |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.database} | {row.patients:,} | {row.target} | {row.connections} |"
            f" {row.ratio:.3f} | {row.rps:,.0f} | {row.p50_ms:.1f} | {row.p99_ms:.1f} |"
            f" {row.failures} |"
        )
    sizes = sorted({row.patients for row in rows})
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        lines += [
            "",
            f"## Time at {large:,} patients against {small:,}",
            "",
            "Time per request is the inverse of the ratio, so this is `ratio at small / ratio"
            " at large` (1.0: no slower with ten times the data).",
            "",
            "| database | target | connections | time ratio |",
            "|---|---|---:|---:|",
        ]
        for row in rows:
            if row.patients != large:
                continue
            for other in rows:
                same = (other.database, other.target, other.connections)
                if other.patients == small and same == (row.database, row.target, row.connections):
                    lines.append(
                        f"| {row.database} | {row.target} | {row.connections} |"
                        f" {other.ratio / max(row.ratio, 1e-9):.2f} |"
                    )
    return "\n".join(lines + report_connections(rows)) + "\n"


def report_connections(rows: list[Row]) -> list[str]:
    """Each target measured at several connection counts: its throughput at the most against
    at the fewest (medians over rounds), which is above 1 when clients waiting on one another
    cost less than they overlap."""
    by_key: dict[tuple[str, int, str], dict[int, Row]] = {}
    for row in rows:
        by_key.setdefault((row.database, row.patients, row.target), {})[row.connections] = row
    pairs = {key: counts for key, counts in by_key.items() if len(counts) > 1}
    if not pairs:
        return []
    most = max(count for counts in pairs.values() for count in counts)
    fewest = min(count for counts in pairs.values() for count in counts)
    lines = [
        "",
        f"## Throughput at {most} connections against {fewest}",
        "",
        "| database | patients | target | requests per second, ratio |",
        "|---|---:|---|---:|",
    ]
    for (database, patients, target), counts in pairs.items():
        if most in counts and fewest in counts:
            ratio = counts[most].rps / max(counts[fewest].rps, 1e-9)
            lines.append(f"| {database} | {patients:,} | {target} | {ratio:.2f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seconds, small data (CI)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="10000,100000", help="patients, comma-separated")
    parser.add_argument("--seconds", type=float, default=5.0, help="per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-enrollment", action="store_true", help="skip the enrollment rush")
    parser.add_argument("--output", type=Path, default=None, help="Markdown file to write")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.seconds, args.rounds = "200,2000", 1.0, 1
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk): using an asyncio client")
    rows: list[Row] = []
    bench = ("--app-dir", str(ROOT / "bench"))
    with server("baseline:app", {}, *bench) as base, server("floor:app", {}, *bench) as floor:
        for database in args.databases.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                rows += bench_database(database, size, args, Servers(base, {"floor": floor}))
    markdown = report(rows, args)
    print(markdown, flush=True)
    if args.output is not None:
        args.output.write_text(markdown)
    if "postgresql" in args.databases.split(",") and not args.no_enrollment:
        found = bench_enrollment()
        print(report_rush(found))
        if args.output is not None:
            args.output.write_text(markdown + report_rush(found))
        if found.largest_group > SEATS or set(found.statuses) - {201, 202, 409}:
            raise SystemExit("the enrollment rush overfilled a group or failed")
    failures = sum(row.failures for row in rows)
    if failures:
        raise SystemExit(f"{failures} requests did not answer 2xx")


if __name__ == "__main__":
    main()
