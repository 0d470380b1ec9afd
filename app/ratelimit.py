"""Requests per API key, counted in fixed windows of the request clock.

Counted in Redis when the service runs as several processes (`redis://…`), else in the
process. The window follows the same clock as everything else a request does, so tests that
fix "now" fix the limits too. If Redis cannot be reached, each process counts on its own
until it can (a warning is logged and `iop_rate_limit_degraded_total` counts it): a limit is
a protection, not a reason to refuse every request.
"""

import threading
from dataclasses import dataclass
from datetime import datetime

import redis
import structlog
from limits import parse
from prometheus_client import Counter

DEGRADED = Counter(
    "iop_rate_limit_degraded_total", "Rate-limit checks counted in the process: Redis failed."
)
log = structlog.get_logger("iop.ratelimit")


@dataclass(frozen=True)
class Rate:
    """`count` requests per `seconds`, from `limits` notation ("600/minute")."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, notation: str) -> "Rate":
        item = parse(notation)
        return cls(count=item.amount, seconds=item.get_expiry())


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window turns, when not allowed


class RateLimiter:
    def __init__(self, rate: Rate, storage_url: str) -> None:
        self.rate = rate
        self._memory = _MemoryCounts()
        self._redis = (
            redis.Redis.from_url(storage_url, socket_timeout=0.5, socket_connect_timeout=0.5)
            if storage_url.startswith(("redis://", "rediss://"))
            else None
        )

    def hit(self, key: str, now: datetime) -> Verdict:
        """Count one request of `key` at `now`, and say whether it is within the rate."""
        moment = now.timestamp()
        window = int(moment // self.rate.seconds)
        count = self._count(f"iop:rate:{key}:{window}")
        return Verdict(allowed=count <= self.rate.count, retry_after=self.retry_after(now))

    def is_exhausted(self, key: str, now: datetime) -> bool:
        """Whether `key` has used up its current window, without counting a request."""
        window = int(now.timestamp() // self.rate.seconds)
        return self._peek(f"iop:rate:{key}:{window}") >= self.rate.count

    def retry_after(self, now: datetime) -> int:
        moment = now.timestamp()
        return max(1, int((int(moment // self.rate.seconds) + 1) * self.rate.seconds - moment))

    def is_configured_shared(self) -> bool:
        return self._redis is not None

    def is_shared(self) -> bool:
        """Whether the counts are shared between processes right now (Redis answers)."""
        if self._redis is None:
            return False
        try:
            return bool(self._redis.ping())
        except redis.RedisError:
            return False

    def _count(self, window_key: str) -> int:
        if self._redis is not None:
            try:
                pipeline = self._redis.pipeline()
                pipeline.incr(window_key)
                pipeline.expire(window_key, self.rate.seconds + 1)
                count, _ = pipeline.execute()
                return int(count)
            except redis.RedisError as error:
                DEGRADED.inc()
                log.warning("rate_limit_degraded", error=type(error).__name__)
        return self._memory.incr(window_key)

    def _peek(self, window_key: str) -> int:
        if self._redis is not None:
            try:
                return int(self._redis.get(window_key) or 0)
            except redis.RedisError as error:
                DEGRADED.inc()
                log.warning("rate_limit_degraded", error=type(error).__name__)
        return self._memory.peek(window_key)


class _MemoryCounts:
    """One process's counts; a key's earlier windows are dropped as its new one starts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[str, int]] = {}

    def incr(self, window_key: str) -> int:
        key = window_key.rsplit(":", 1)[0]
        with self._lock:
            window, count = self._counts.get(key, (window_key, 0))
            count = count + 1 if window == window_key else 1
            self._counts[key] = (window_key, count)
            return count

    def peek(self, window_key: str) -> int:
        key = window_key.rsplit(":", 1)[0]
        with self._lock:
            window, count = self._counts.get(key, (window_key, 0))
            return count if window == window_key else 0
