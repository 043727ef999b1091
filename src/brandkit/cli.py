"""The ``brandkit`` command: serve, migrate, accounts, keys, demo data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.repository import AccountsRepository
from brandkit.config import ConfigurationError, check_timezone, load_settings
from brandkit.db import make_engine, make_sessionmaker, transaction
from brandkit.migrate import upgrade

app = typer.Typer(
    help="Brandkit: self-hosted design-asset and bulk-export APIs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
accounts_app = typer.Typer(help="Accounts (tenants).", no_args_is_help=True)
keys_app = typer.Typer(
    help="API keys: shown once at creation, stored only as a hash.", no_args_is_help=True
)
storage_app = typer.Typer(help="The file store (local folder or S3 bucket).", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(storage_app, name="storage")
app.add_typer(keys_app, name="keys")
credits_app = typer.Typer(help="Accounts' credits per billing cycle.", no_args_is_help=True)
app.add_typer(credits_app, name="credits")
webhooks_app = typer.Typer(help="Webhook URLs and their delivery log.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")
console = Console()


@contextmanager
def _transaction(*, write: bool = False) -> Iterator[Session]:
    """One unit of work on an engine disposed afterwards: a command leaves no pooled
    connection behind (which psycopg reports as a ResourceWarning)."""
    engine = make_engine(load_settings().effective_database_url)
    try:
        with transaction(make_sessionmaker(engine), write=write) as session:
            yield session
    finally:
        engine.dispose()


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _emit(rows: list[dict[str, str]], as_json: bool) -> None:
    """Rows as JSON, as a table on a terminal, or as tab-separated lines (header first) when
    piped: a table squeezed into a pipe's 80 columns would cut ids short."""
    if as_json:
        print(orjson.dumps(rows).decode())
        return
    if not rows:
        return
    columns = list(rows[0])
    if console.is_terminal:
        table = Table(*columns)
        for row in rows:
            table.add_row(*(row[c] for c in columns))
        console.print(table)
        return
    print("\t".join(columns))
    for row in rows:
        print("\t".join(row[c] for c in columns))


def _emit_one(value: str, key: str, as_json: bool) -> None:
    print(orjson.dumps({key: value}).decode() if as_json else value)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    console.print("[green]database is up to date[/green]")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (each stateless).")] = 1,
) -> None:
    """Serve the HTTP API (and, in the embedded mode, run the job worker in-process)."""
    import os

    import uvicorn

    if "BRANDKIT_PUBLIC_BASE_URL" not in os.environ:
        # The URLs Brandkit hands out for itself must point where it listens.
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        shown = f"[{shown}]" if ":" in shown else shown
        os.environ["BRANDKIT_PUBLIC_BASE_URL"] = f"http://{shown}:{port}"
    # Checked here, so that a bad setting is one line before uvicorn starts, not a traceback.
    load_settings()

    uvicorn.run(
        "brandkit.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # The body of a presigned PUT is streamed by our own handler; keep uvicorn's limits
        # from buffering it.
        proxy_headers=False,
        # Brandkit writes its own access line (request id, account, route, duration).
        access_log=False,
    )


@app.command()
def worker() -> None:
    """Run background jobs (exports, purges) until SIGTERM; start as many as you like, on any
    machine sharing the database and storage."""
    import brandkit.tasks  # noqa: F401
    from brandkit.jobs.runner import run_worker
    from brandkit.kit.logs import configure_logging
    from brandkit.storage.factory import make_storage

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    run_worker(settings, make_engine(settings.effective_database_url), make_storage(settings))


@app.command()
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Load only into a database without accounts.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Load the demo account (users, designs with images, media, content) and print its key."""
    from brandkit import demo as demo_data

    settings = load_settings()
    engine = make_engine(settings.effective_database_url)
    loaded = False
    try:
        if if_empty and not demo_data.is_empty(engine):
            token = demo_data.read_token(settings)
            if token is None:
                if as_json:
                    print(orjson.dumps({"loaded": False, "token": None}).decode())
                    return
                console.print("the database already has accounts; demo data not loaded")
                return
        else:
            from rich.progress import Progress

            with Progress(console=console, transient=True, disable=as_json) as bar:
                task = bar.add_task("demo data", total=len(demo_data.SEEDERS))

                started: list[str] = []

                def step(name: str) -> None:
                    # Told as each part starts: the parts before it are done.
                    bar.update(task, completed=len(started), description=f"demo data: {name}")
                    started.append(name)

                info = demo_data.load_demo(settings, progress=step)
            made = ", ".join(f"{n} {kind}" for kind, n in info.made.items())
            if not as_json:
                console.print(f"[green]demo account {info.account_id} loaded:[/green] {made}")
            token, loaded = info.token, True
        design = demo_data.example_design(engine, token)
    finally:
        engine.dispose()
    curl = demo_data.curl_example(settings, token, design) if design is not None else None
    if as_json:
        print(orjson.dumps({"loaded": loaded, "token": token, "curl": curl}).decode())
        return
    console.print(f"demo API key (enterprise, also in {demo_data.key_path(settings)}):")
    print(token)
    if curl is not None:
        console.print("try:")
        print(curl)
    console.print("the console (sign in with the key above):")
    print(f"{settings.public_base_url.rstrip('/')}/console")


@accounts_app.command("create")
def accounts_create(
    name: str,
    timezone: Annotated[str, typer.Option(help="IANA time zone for exports.")] = "UTC",
    as_json: JsonOption = False,
) -> None:
    """Create an account and print its id."""
    with _transaction(write=True) as session:
        account = accounts.create_account(session, name, check_timezone(timezone))
    _emit_one(account.id, "id", as_json)


@accounts_app.command("list")
def accounts_list(as_json: JsonOption = False) -> None:
    """List accounts."""
    with _transaction() as session:
        rows = AccountsRepository(session).accounts()
    _emit(
        [
            {
                "id": a.id,
                "name": a.name,
                "timezone": a.timezone,
                "created": a.created_at.isoformat(),
            }
            for a in rows
        ],
        as_json,
    )


@keys_app.command("create")
def keys_create(
    account: Annotated[str, typer.Option(help="Account id.")],
    tier: Annotated[str, typer.Option(help="general, super or enterprise.")] = "general",
    scope: Annotated[
        list[str] | None,
        typer.Option(help="Bulk-export scope, repeatable: export:read, export:write, ..."),
    ] = None,
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
    user: Annotated[str, typer.Option(help="abstractUserId the key acts as.")] = "admin",
    as_json: JsonOption = False,
) -> None:
    """Create a key and print its token once; only a hash of the secret is kept."""
    with _transaction(write=True) as session:
        issued = accounts.create_key(
            session, account, tier, scope or [], name=name, abstract_user_id=user
        )
    _emit_one(issued.token, "token", as_json)


@keys_app.command("list")
def keys_list(
    account: Annotated[str | None, typer.Option(help="Account id.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List keys (never their secrets)."""
    with _transaction() as session:
        rows = AccountsRepository(session).api_keys(account)
    _emit(
        [
            {
                "key id": k.id,
                "account": k.account_id,
                "tier": k.tier,
                "scopes": " ".join(k.scopes),
                "name": k.name,
                "created": k.created_at.isoformat(),
                "revoked": k.revoked_at.isoformat() if k.revoked_at else "",
            }
            for k in rows
        ],
        as_json,
    )


@keys_app.command("revoke")
def keys_revoke(key_id: str) -> None:
    """Revoke a key; it fails at once on every process."""
    with _transaction(write=True) as session:
        accounts.revoke_key(session, key_id)
    console.print(f"revoked {key_id}")


@keys_app.command("rotate")
def keys_rotate(key_id: str, as_json: JsonOption = False) -> None:
    """Revoke a key and print the token of its successor (same account, tier and scopes)."""
    with _transaction(write=True) as session:
        issued = accounts.rotate_key(session, key_id)
    _emit_one(issued.token, "token", as_json)


@credits_app.command("set")
def credits_set(
    account: Annotated[str, typer.Option(help="The account's id.")],
    credits: Annotated[int, typer.Option(min=0, help="Credits of the new cycle.")],
    days: Annotated[float, typer.Option(min=1, help="Length of the billing cycle.")] = 30,
    as_json: JsonOption = False,
) -> None:
    """Start a billing cycle for the account now, with this many credits (the current cycle
    ends). An account without a cycle has no credit cap."""
    from brandkit.credits import service as credit_service
    from brandkit.db import utcnow

    with _transaction(write=True) as session:
        if AccountsRepository(session).account(account) is None:
            raise ConfigurationError(f"no account {account}")
        cycle = credit_service.set_cycle(session, account, credits, days, utcnow())
    _emit([_cycle_row(cycle)], as_json)


@credits_app.command("show")
def credits_show(
    account: Annotated[str, typer.Option(help="The account's id.")], as_json: JsonOption = False
) -> None:
    """The account's current cycle: credits granted and used, and when it ends."""
    from brandkit.credits import service as credit_service
    from brandkit.db import utcnow

    with _transaction() as session:
        cycle = credit_service.balance(session, account, utcnow())
    if cycle is None:
        _emit([{"account": account, "granted": "unlimited", "used": "", "ends": ""}], as_json)
        return
    _emit([_cycle_row(cycle)], as_json)


def _cycle_row(cycle: Any) -> dict[str, str]:
    return {
        "account": cycle.account_id,
        "granted": str(cycle.granted),
        "used": str(cycle.used),
        "ends": cycle.ends_at.isoformat(),
    }


AccountFilter = Annotated[str | None, typer.Option("--account", help="Only this account's.")]


@webhooks_app.command("list")
def webhooks_list(account: AccountFilter = None, as_json: JsonOption = False) -> None:
    """The webhook URLs set by API keys (one per key and family: requests, exports)."""
    from brandkit.webhooks import service as webhooks

    with _transaction() as session:
        _emit(webhooks.endpoint_rows(session, account), as_json)


@webhooks_app.command("log")
def webhooks_log(
    account: AccountFilter = None,
    event: Annotated[str | None, typer.Option(help="Only this event's attempts.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """The delivery log, newest first: every attempt, its answer or error, and its event's
    status (pending, delivered, failed once its retries are spent, cancelled)."""
    from brandkit.webhooks import service as webhooks

    with _transaction() as session:
        _emit(webhooks.log_rows(session, account, event, limit), as_json)


@storage_app.command("init")
def storage_init() -> None:
    """Create the store if it is missing (the S3 bucket, or the local files folder) and check
    that Brandkit can use it."""
    from brandkit.kit.errors import BrandkitError
    from brandkit.storage.factory import make_storage

    settings = load_settings()
    try:
        store = make_storage(settings)
        store.create()
        store.check()
    except BrandkitError as exc:
        raise ConfigurationError(exc.message) from None
    where = f"s3://{settings.s3_bucket}" if settings.storage_backend == "s3" else "local files"
    console.print(f"[green]storage ready[/green]: {where}")


def main() -> None:
    """The console entry point: a configuration or database error is one line on stderr and
    exit status 2 (or 1 for the database), never a traceback."""
    from sqlalchemy.exc import OperationalError

    errors = Console(stderr=True)
    # A command's own failure is its one line below; library warnings on the way (a store that
    # does not answer, retried) would otherwise reach stderr through logging's last resort.
    # serve and worker install their real handler (kit/logs.py).
    logging.getLogger().addHandler(logging.NullHandler())
    try:
        app()
    except ConfigurationError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unreachable"
        errors.print(f"[red]error:[/red] cannot use the database: {reason}", soft_wrap=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
