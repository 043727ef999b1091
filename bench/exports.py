"""Bulk export throughput: 1,000,000 activities (a 31-day window) to a ZIP in storage.

    .venv/bin/python -m bench.exports [--rows N] [--skip-sqlite]

Builds a throwaway PostgreSQL database (filled with COPY), runs the real export job in a child
process (so its peak RSS is the export's own), and times beside it the reference
``psql -c "COPY (same query) TO STDOUT WITH CSV" | gzip -1``. Then the same export on SQLite.
Targets: on PostgreSQL at least 250% of the reference's rows/s, peak RSS under 200 MB; on SQLite
at least 100,000 rows/s.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import psycopg
from sqlalchemy import make_url

from brandkit.config import Settings, normalise_database_url
from brandkit.db import make_engine, make_sessionmaker, transaction
from brandkit.migrate import upgrade

ADMIN_URL = os.environ.get(
    "BRANDKIT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TIMEZONE = "Europe/Madrid"
FROM = datetime(2024, 3, 1, tzinfo=UTC)
TO = FROM + timedelta(days=31)
CONTACTS = 20_000
TARGET_SHARE = 2.50
TARGET_SQLITE_RATE = 100_000
TARGET_RSS_MB = 200
TARGET_GROWTH = 5.5  # 5x the rows
BODY = {
    "exportType": "activities",
    "delimiter": ",",
    "dateFormat": "ISO",
    "version": "v2",
    "filters": {"fromDate": FROM.isoformat(), "toDate": TO.isoformat()},
}


# -- data ---------------------------------------------------------------------------------------


def _contacts(account_id: str) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    rows = []
    for i in range(CONTACTS):
        email = f"person.{i}@example.com"
        rows.append(
            (
                str(uuid.uuid4()),
                account_id,
                email,
                email,
                "Ann",
                "Lee",
                "subscribed",
                '{"tier":"gold"}',
                "api",
                now,
                now,
            )
        )
    return rows


def _activities(contact_ids: list[str], account_id: str, n: int, seed: int = 7) -> Any:
    rng = random.Random(seed)
    span = (TO - FROM).total_seconds()
    now = datetime.now(UTC)
    for i in range(n):
        when = FROM + timedelta(seconds=rng.random() * span)
        if i % 20 == 0:
            payload = {
                "purchaseId": f"ord-{i}",
                "amount": 42.5,
                "currency": "EUR",
                "products": [{"id": "sku-1"}, {"id": "sku-2"}],
            }
            extra: tuple[str | None, ...] = (f"ord-{i}", "42.5", "EUR", "sku-1|sku-2")
            kind = "purchase"
        else:
            payload = {"url": f"https://shop.example.com/p/{rng.randrange(5000)}"}
            extra = (None, None, None, None)
            kind = "web-page-visited"
        yield (
            str(uuid.uuid4()),
            account_id,
            contact_ids[i % len(contact_ids)],
            kind,
            when,
            orjson.dumps(payload).decode(),
            *extra,
            now,
        )


ACTIVITY_COLUMNS = (
    "id",
    "account_id",
    "contact_id",
    "type",
    "occurred_at",
    "payload",
    "purchase_id",
    "amount",
    "currency",
    "product_ids",
    "created_at",
)
CONTACT_COLUMNS = (
    "id",
    "account_id",
    "email",
    "email_key",
    "first_name",
    "last_name",
    "newsletter_status",
    "fields",
    "origin",
    "created_at",
    "updated_at",
)


def _account(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    from brandkit.accounts import service as accounts

    with transaction(make_sessionmaker(engine), write=True) as session:
        account = accounts.create_account(session, "bench", TIMEZONE)
    engine.dispose()
    return account.id


def fill_postgres(url: str, rows: int) -> str:
    account_id = _account(url)
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    contacts = _contacts(account_id)
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY contacts ({', '.join(CONTACT_COLUMNS)}) FROM STDIN") as copy:
            for row in contacts:
                copy.write_row(row)
        with cur.copy(f"COPY activities ({', '.join(ACTIVITY_COLUMNS)}) FROM STDIN") as copy:
            for row in _activities([c[0] for c in contacts], account_id, rows):
                copy.write_row(row)
    _settle(plain)
    return account_id


def _settle(plain_url: str) -> None:
    # Vacuumed and analysed before timing, so that no round shares the machine with autovacuum
    # and every size is measured in the same state.
    with psycopg.connect(plain_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def grow_postgres(url: str, account_id: str, rows: int) -> None:
    """``rows`` more activities of the same contacts, in the same window."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM contacts WHERE account_id = %s ORDER BY id", (account_id,))
        contact_ids = [r[0] for r in cur.fetchall()]
        with cur.copy(f"COPY activities ({', '.join(ACTIVITY_COLUMNS)}) FROM STDIN") as copy:
            for row in _activities(contact_ids, account_id, rows, seed=11):
                copy.write_row(row)
    _settle(plain)


def _sqlite_time(value: datetime) -> str:
    # The storage format of SQLAlchemy's SQLite DateTime (naive UTC).
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def fill_sqlite(url: str, rows: int) -> str:
    account_id = _account(url)
    conn = sqlite3.connect(make_url(url).database or "")
    contacts = [
        tuple(_sqlite_time(v) if isinstance(v, datetime) else v for v in c)
        for c in _contacts(account_id)
    ]
    marks = ", ".join("?" * len(CONTACT_COLUMNS))
    conn.executemany(
        f"INSERT INTO contacts ({', '.join(CONTACT_COLUMNS)}) VALUES ({marks})",  # noqa: S608
        contacts,
    )
    marks = ", ".join("?" * len(ACTIVITY_COLUMNS))
    conn.executemany(
        f"INSERT INTO activities ({', '.join(ACTIVITY_COLUMNS)}) VALUES ({marks})",  # noqa: S608
        (
            tuple(_sqlite_time(v) if isinstance(v, datetime) else v for v in a)
            for a in _activities([c[0] for c in contacts], account_id, rows)
        ),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return account_id


# -- the export, in a child process --------------------------------------------------------------


def child(url: str, data_dir: str, account_id: str) -> None:
    """Create the export as the API would and run its job; print seconds, rows and peak RSS."""
    import brandkit.tasks  # noqa: F401  (the jobs a worker runs, as `brandkit worker` loads them)
    from brandkit.exports import service
    from brandkit.exports.schemas import ExportCreate
    from brandkit.jobs.runner import Worker
    from brandkit.storage.factory import make_storage

    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=Path(data_dir),
        secret_key="bench-secret-key-of-32-characters",
        embedded_worker=False,
    )
    engine = make_engine(settings.effective_database_url)
    with transaction(make_sessionmaker(engine), write=True) as session:
        export, _ = service.create(
            session, settings, account_id, ExportCreate.model_validate(BODY), BODY, None
        )
    worker = Worker(engine, settings, make_storage(settings))
    started = time.perf_counter()
    assert worker.run_once()
    seconds = time.perf_counter() - started
    with transaction(make_sessionmaker(engine)) as session:
        done = service.get(session, account_id, export.id)
    assert done.status == "finished", done.error
    path = Path(data_dir) / "files" / (done.storage_key or "")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        orjson.dumps(
            {
                "seconds": seconds,
                "rows": done.total,
                "peak_mb": peak_mb,
                "zip_bytes": path.stat().st_size,
                "path": str(path),
            }
        ).decode()
    )


def run_child(url: str, data_dir: str, account_id: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.exports", "--child", url, data_dir, account_id],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = orjson.loads(out.stdout.strip().splitlines()[-1])
    return result


def reference_seconds(plain_url: str, account_id: str) -> tuple[float, int]:
    from brandkit.exports.copy_path import select_rows
    from brandkit.exports.kinds import ACTIVITIES
    from brandkit.exports.service import zone
    from brandkit.exports.snapshot import ExportSpec

    spec = ExportSpec(
        account_id=account_id,
        kind=ACTIVITIES,
        version="v2",
        delimiter=",",
        date_format="ISO",
        filters={"fromDate": FROM.isoformat(), "toDate": TO.isoformat()},
        timezone=zone(TIMEZONE),
        neutralise=True,
        batch_rows=10_000,
    )
    with psycopg.connect(plain_url) as conn:
        query = select_rows(spec, []).as_string(conn)
    copy = f"COPY ({query}) TO STDOUT WITH CSV"
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        psql = subprocess.Popen(
            ["psql", plain_url, "-c", f"SET TimeZone = '{TIMEZONE}'", "-c", copy],
            stdout=subprocess.PIPE,
        )
        gzip = subprocess.run(["gzip", "-1"], stdin=psql.stdout, stdout=sink, check=True)
        assert psql.stdout is not None
        psql.stdout.close()
        assert psql.wait() == 0
        assert gzip.returncode == 0
        seconds = time.perf_counter() - started
        return seconds, sink.tell()


def check_zip(path: str, rows: int) -> None:
    with zipfile.ZipFile(path) as z, z.open("activities.csv") as fh:
        lines = sum(1 for _ in io.TextIOWrapper(fh, encoding="utf-8", newline="\r\n"))
    assert lines == rows + 1, (lines, rows)


def _growth(
    url: str, tmp: str, account: str, rows: int, factor: int, seconds: float, peak: float
) -> None:
    """The same export with ``factor`` times the rows: its time beside ``factor`` times the
    first's, and its peak RSS beside the first's."""
    t0 = time.perf_counter()
    grow_postgres(url, account, rows * (factor - 1))
    print(f"  grown to {rows * factor:,} activities in {time.perf_counter() - t0:.1f} s")
    got = run_child(url, tmp, account)
    check_zip(got["path"], rows * factor)
    ratio = got["seconds"] / seconds
    print(
        f"  growth: {rows * factor:,} rows in {got['seconds']:.2f} s = {ratio:.2f}x the time of "
        f"{rows:,} (target <= {TARGET_GROWTH:.1f}x) "
        f"{'OK' if ratio <= TARGET_GROWTH else 'MISSED'}; "
        f"peak RSS {got['peak_mb']:.0f} MB against {peak:.0f} MB "
        f"({'flat' if got['peak_mb'] <= peak * 1.2 else 'GROWING'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--growth", type=int, default=5, help="then N times the rows (0: skip)")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    admin = normalise_database_url(ADMIN_URL)
    name = f"brandkit_bench_{uuid.uuid4().hex[:8]}"
    admin_plain = ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    pg_url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    pg_plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            account = fill_postgres(pg_url, args.rows)
            print(
                f"PostgreSQL: {args.rows:,} activities loaded with COPY in "
                f"{time.perf_counter() - t0:.1f} s"
            )
            shares, peaks, times = [], [], []
            for round_no in range(1, args.rounds + 1):
                # Paired rounds: the reference and the job back to back, so that a slower
                # moment of the machine weighs on both.
                ref_s, ref_bytes = reference_seconds(pg_plain, account)
                got = run_child(pg_url, tmp, account)
                check_zip(got["path"], args.rows)
                ref_rate = args.rows / ref_s
                rate = args.rows / got["seconds"]
                shares.append(rate / ref_rate)
                peaks.append(got["peak_mb"])
                times.append(got["seconds"])
                print(
                    f"  round {round_no}: reference psql COPY | gzip -1 {ref_s:6.2f} s "
                    f"{ref_rate:>9,.0f} rows/s {ref_bytes / 1e6:5.1f} MB; brandkit export job "
                    f"(ZIP) {got['seconds']:6.2f} s {rate:>9,.0f} rows/s "
                    f"{got['zip_bytes'] / 1e6:5.1f} MB = {shares[-1]:.0%}"
                )
            share, peak = statistics.median(shares), max(peaks)
            seconds = statistics.median(times)
            print(
                f"  median of {args.rounds} rounds: {share:.0%} of the reference "
                f"(target >= {TARGET_SHARE:.0%}) {'OK' if share >= TARGET_SHARE else 'MISSED'}"
            )
            print(
                f"  peak RSS of the exporting process: {peak:.0f} MB "
                f"(target < {TARGET_RSS_MB} MB) {'OK' if peak < TARGET_RSS_MB else 'MISSED'}"
            )
            if args.growth > 1:
                _growth(pg_url, tmp, account, args.rows, args.growth, seconds, peak)
    finally:
        with psycopg.connect(admin_plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if args.skip_sqlite:
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        account = fill_sqlite(url, args.rows)
        print(f"SQLite: {args.rows:,} activities loaded in {time.perf_counter() - t0:.1f} s")
        got = run_child(url, tmp, account)
        check_zip(got["path"], args.rows)
        rate = args.rows / got["seconds"]
        print(
            f"  brandkit export job (ZIP):     {got['seconds']:6.2f} s  "
            f"{rate:>10,.0f} rows/s  {got['zip_bytes'] / 1e6:6.1f} MB  "
            f"(target >= {TARGET_SQLITE_RATE:,} rows/s) "
            f"{'OK' if rate >= TARGET_SQLITE_RATE else 'MISSED'}  peak RSS {got['peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
