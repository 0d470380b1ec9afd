"""Prometheus request metrics, labelled by route template so ids never become labels."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "iop_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "iop_http_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route"]
)


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
