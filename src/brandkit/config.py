"""Settings, read from the environment (``BRANDKIT_*``) and an optional ``.env`` file."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024
MIN_SECRET_CHARS = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BRANDKIT_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./data")
    database_url: str | None = None
    # PostgreSQL connections each process keeps (as many again may overflow under load). SQLite
    # has one writer at a time and keeps SQLAlchemy's small default pool.
    database_pool_size: int = Field(20, ge=1)
    # Signs cursors, access tokens, local upload URLs and export download URLs. When unset it is
    # generated once and kept in the data directory, so signatures survive restarts.
    secret_key: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    # The editor that variantEditLink and a design's link open: this server's console unless
    # set (BRANDKIT_EDITOR_BASE_URL); read as `editor_base_url`.
    editor_url: str | None = Field(None, validation_alias="BRANDKIT_EDITOR_BASE_URL")
    log_level: str = "INFO"
    # "json": one JSON object a line (request id, account, route, status, duration; job lines).
    log_format: Literal["text", "json"] = "text"
    # FastAPI's native OpenTelemetry spans and metrics, exported through the providers that
    # `opentelemetry-instrument` (or your own setup) configures. Off by default: while on, every
    # request pays for looking the providers up, configured or not.
    opentelemetry: bool = False

    redis_url: str | None = None
    rate_limit_general: int = Field(50, ge=1)
    rate_limit_super: int = Field(100, ge=1)
    rate_limit_enterprise: int = Field(600, ge=1)
    rate_limit_export: int = Field(600, ge=1)

    storage_backend: Literal["local", "s3"] = "local"
    s3_bucket: str = "brandkit"
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_public_base_url: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None

    # Every request body but an upload's PUT (which has the limits below): over it, a 413.
    max_body_bytes: int = Field(16 * MB, ge=1)
    upload_max_bytes: int = Field(25 * MB, ge=1)
    font_max_bytes: int = Field(10 * MB, ge=1)
    fetch_max_bytes: int = Field(25 * MB, ge=1)
    fetch_timeout_seconds: float = Field(10.0, gt=0)
    # Lets the guarded fetcher reach private and loopback addresses: for tests and closed
    # networks whose asset servers are internal. Off, such URLs are refused (SSRF).
    fetch_allow_private: bool = False
    # brand/extract: the most a page or stylesheet may weigh, and how long it may take.
    extract_max_bytes: int = Field(2 * MB, ge=1)
    extract_timeout_seconds: float = Field(10.0, gt=0)
    orphan_upload_hours: float = Field(24.0, gt=0)

    # Webhooks (SPEC 9). Receivers on private or loopback addresses only when allowed: for
    # receivers inside the operator's own network (and tests).
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = Field(10.0, gt=0)
    # Seconds before each retry of a failed delivery (the last one repeats), within the window
    # counted from the event; one last attempt is made when the window closes.
    webhook_retry_seconds: list[Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0], min_length=1
    )
    webhook_retry_window_seconds: float = Field(86400.0, gt=0)
    # How long a console sign-in lasts (the key is checked again on every request regardless).
    console_session_hours: float = Field(8.0, gt=0, le=24 * 30)
    # How long delivered and abandoned events stay readable in the delivery log.
    webhook_log_days: float = Field(30.0, gt=0)

    user_purge_days: float = Field(15.0, ge=0)
    export_retention_days: float = Field(7.0, gt=0)
    export_max_running: int = Field(3, ge=1)
    export_url_minutes: int = Field(100, ge=1)
    csv_neutralise_formulas: bool = True

    # The embedded mode runs the job loop inside the API process; turn it off when separate
    # `brandkit worker` processes do the work.
    embedded_worker: bool = True
    worker_poll_seconds: float = Field(1.0, gt=0)
    job_lease_seconds: float = Field(60.0, gt=0)
    # Rows an export writes between progress updates and lease checks.
    export_batch_rows: int = Field(10_000, ge=1)
    # Test-only: a pause after each export batch, so that a test can kill a worker mid-export.
    export_batch_sleep_seconds: float = Field(0.0, ge=0)

    # The copywriter of designs-from-prompt: an OpenAI-compatible chat-completions endpoint
    # (…/v1) when set, else the built-in rule-based writer.
    llm_base_url: str | None = None
    llm_model: str = "llama3.1"
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(20.0, gt=0)
    # Variants rendered per request are capped by the API (1-4); each gets this many options.
    render_options: int = Field(1, ge=0, le=3)
    # Credits a generated variant costs (SPEC 8).
    credits_per_variant: int = Field(1, ge=0)
    # Design requests in flight (queued or rendering) at once, by who makes them: a general key's
    # user, an end user a super key acts for, a super key's account, an enterprise account
    # (quota-and-limits: concurrency + queue). Over it, a 429 with Retry-After.
    generation_in_flight_general: int = Field(14, ge=1)
    generation_in_flight_end_user: int = Field(8, ge=1)
    generation_in_flight_super: int = Field(25, ge=1)
    generation_in_flight_enterprise: int = Field(250, ge=1)
    # Test-only: a pause after each rendered variant, so that a test can kill a worker mid-way.
    render_variant_sleep_seconds: float = Field(0.0, ge=0)

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(_DATABASE_SCHEMES):
            scheme = url.split(":", 1)[0]
            raise ValueError(
                f"unsupported database URL scheme {scheme!r}: Brandkit runs on SQLite "
                "(sqlite:///path/to/brandkit.db) and PostgreSQL (postgresql://user@host/db)"
            )
        return url

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, key: str | None) -> str | None:
        # It signs cursors, tokens and URLs: short keys can be guessed offline from any of them.
        # (Without it, the demo's and make run's key is generated: 64 characters.)
        if key is not None and len(key) < MIN_SECRET_CHARS:
            raise ValueError(
                f"must be at least {MIN_SECRET_CHARS} characters (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        return key

    @field_validator("public_base_url", "editor_url", "s3_public_base_url", "llm_base_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL with a host")
        if parts.query or parts.fragment:
            raise ValueError(f"{url!r} may not carry a query or a fragment")
        return url

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'brandkit.db').resolve()}"

    @cached_property
    def signing_key(self) -> bytes:
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip().encode()

    @property
    def editor_base_url(self) -> str:
        return self.editor_url or self.public_base_url.rstrip("/") + "/console"

    def rate_limit_for(self, tier: str) -> int:
        return {
            "general": self.rate_limit_general,
            "super": self.rate_limit_super,
            "enterprise": self.rate_limit_enterprise,
        }.get(tier, self.rate_limit_export)


_DATABASE_SCHEMES = (
    "sqlite:",
    "sqlite+pysqlite:",
    "postgresql:",
    "postgres:",
    "postgresql+psycopg:",
)


class ConfigurationError(Exception):
    """A setting or an option that cannot work, said in one line."""


def load_settings() -> Settings:
    """The settings of this process, or a ConfigurationError naming the setting that is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "BRANDKIT_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"{name}: {message}") from None


def check_timezone(name: str) -> str:
    """``name`` when it is an IANA time zone (``Europe/Madrid``), else a ConfigurationError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{name!r} is not an IANA time zone (e.g. Europe/Madrid)"
        ) from None
    return name


def normalise_database_url(url: str) -> str:
    # psycopg 3 is the only PostgreSQL driver we ship; accept the plain libpq form too.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
