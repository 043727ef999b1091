"""A small HTTP/1.1 keep-alive load generator (asyncio + uvloop), run in its own process so that
it never shares a core's GIL with the server it measures.

    python -m bench._loadgen <port> <conns> <warmup_s> <seconds>   (the request bytes on stdin)

prints one JSON line: {"requests", "errors", "seconds", "latencies_ms": [...]}.
"""

from __future__ import annotations

import asyncio
import sys
import time

import orjson
import uvloop


async def _connection(
    port: int, request: bytes, measure_from: float, stop_at: float, latencies: list[float]
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                return errors
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if started >= measure_from:
                latencies.append(time.perf_counter() - started)
                if head[9:12] != b"200":
                    errors += 1
    finally:
        writer.close()


async def run(
    port: int, request: bytes, conns: int, warmup: float, seconds: float
) -> dict[str, object]:
    now = time.perf_counter()
    measure_from, stop_at = now + warmup, now + warmup + seconds
    latencies: list[float] = []
    errors = await asyncio.gather(
        *(_connection(port, request, measure_from, stop_at, latencies) for _ in range(conns))
    )
    return {
        "requests": len(latencies),
        "errors": sum(errors),
        "seconds": seconds,
        "latencies_ms": [round(x * 1000, 3) for x in latencies],
    }


def main() -> None:
    port, conns, warmup, seconds = sys.argv[1:5]
    request = sys.stdin.buffer.read()
    result = uvloop.run(run(int(port), request, int(conns), float(warmup), float(seconds)))
    sys.stdout.buffer.write(orjson.dumps(result) + b"\n")


if __name__ == "__main__":
    main()
