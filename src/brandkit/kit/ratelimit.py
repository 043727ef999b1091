"""Per-key request limits per minute, in memory for one process or in Redis when configured."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute, storage, strategies

from brandkit.kit.errors import RateLimited, ServiceUnavailable


class RateLimiter:
    def __init__(self, redis_url: str | None) -> None:
        uri = redis_url if redis_url else "memory://"
        self._limiter = strategies.FixedWindowRateLimiter(storage.storage_from_string(uri))

    def check(self) -> None:
        """Raise ServiceUnavailable when the counters' store (Redis) does not answer."""
        if not self._limiter.storage.check():
            raise ServiceUnavailable("The rate-limit store (Redis) does not answer")

    def hit(self, key: str, per_minute: int) -> dict[str, str]:
        """Count one request; returns the RateLimit-* headers, or raises ``RateLimited``."""
        item = RateLimitItemPerMinute(per_minute)
        allowed = self._limiter.hit(item, key)
        stats = self._limiter.get_window_stats(item, key)
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Limit": str(per_minute),
            "RateLimit-Remaining": str(max(0, stats.remaining)),
            "RateLimit-Reset": str(reset),
        }
        if not allowed:
            raise RateLimited(headers={**headers, "Retry-After": str(max(1, reset))})
        return headers
