"""Prometheus request metrics, labelled by route template so ids never become labels."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "iop_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "iop_http_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route"]
)

# The labelled series of each (method, route, status): `labels()` takes a lock and builds the
# label key on every call. The routes are templates, so the series are few and bounded.
_series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    key = (method, route, status)
    series = _series.get(key)
    if series is None:
        series = _series[key] = (
            REQUESTS.labels(method, route, str(status)),
            LATENCY.labels(method, route),
        )
    requests, latency = series
    requests.inc()
    latency.observe(seconds)
