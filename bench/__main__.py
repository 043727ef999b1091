"""``python -m bench`` (``make bench``): run every ``bench/<name>.py`` that has a ``main()``, in
turn, in name order. Modules whose name starts with ``_`` are helpers, not benchmarks."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main() -> None:
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
    )
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "main", None)
        if not callable(run):
            continue
        print(f"=== bench.{name}", flush=True)
        started = time.perf_counter()
        try:
            run()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed.append(name)
            print(f"bench.{name} failed: {exc!r}", flush=True)
        print(f"=== bench.{name}: {time.perf_counter() - started:.0f}s\n", flush=True)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
