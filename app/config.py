"""Service settings: environment variables prefixed `IOP_` and an optional `.env` file."""

import re
from datetime import timedelta
from functools import lru_cache
from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./iop.db"

# Only for the embedded default: a production deployment must set IOP_KEY_SECRET, which
# `Settings.require_production_secret` enforces for every non-SQLite database.
_DEVELOPMENT_KEY_SECRET = "development-only-secret-change-me"  # noqa: S105


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="IOP_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(DEFAULT_DATABASE_URL, description="SQLAlchemy URL.")
    migration_database_url: str | None = Field(
        None,
        description="Where `iop migrate` and start-up migrations connect: the tables' owner."
        " Defaults to `database_url`; set it when the service connects as a role that may not"
        " change the schema (`iop db create-service-role`).",
    )
    key_secret: SecretStr = Field(
        SecretStr(_DEVELOPMENT_KEY_SECRET),
        description="Server secret of the HMAC-SHA256 that API keys are stored under.",
        min_length=16,
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Origins (`https://host[:port]`) browsers may call from; none by default.",
    )
    hsts_seconds: int = Field(
        0,
        ge=0,
        le=63_072_000,
        description="`Strict-Transport-Security` max-age; 0 sends none (set it behind HTTPS).",
    )
    rate_limit: str = Field("600/minute", description="Per API key, in `limits` notation.")
    failed_auth_limit: str = Field(
        "60/minute",
        description="Requests with an unknown, revoked or expired key per client address; more"
        " answer 429 until the window turns.",
    )
    rate_limit_storage_url: str = Field(
        "memory://", description="`memory://` for one process, `redis://host:6379` when scaled out."
    )
    max_body_bytes: int = Field(1_048_576, gt=0, description="Larger request bodies get 413.")
    batch_max_body_bytes: int = Field(
        16_777_216, gt=0, description="The same for batches (`POST …/batch`, 10,000 records)."
    )
    problem_base_uri: str = "https://iop.example/problems/"
    db_pool_size: int = Field(10, gt=0)
    idempotency_retention_hours: float = Field(
        24, gt=0, description="How long an `Idempotency-Key` and its answer are kept."
    )
    idempotency_lock_seconds: float = Field(
        60,
        gt=0,
        description="How long a request holds its `Idempotency-Key` before a retry may take it"
        " over (a server that died mid-request); longer than any request takes.",
    )
    key_cache_seconds: float = Field(
        5.0,
        ge=0,
        le=60,
        description="How long a process trusts an API key it looked up (0: never). A revoked"
        " key stops working at once in the process that revoked it, within this time elsewhere.",
    )
    webhook_worker: Literal["auto", "in_process", "off"] = Field(
        "auto",
        description="`auto`: the server delivers webhooks itself on SQLite; with PostgreSQL,"
        " run `iop worker` processes (as many as wanted).",
    )
    webhook_allow_http_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts a webhook URL may reach over plain http (tests, a local relay).",
    )
    webhook_timeout_seconds: float = Field(5.0, gt=0, le=30)
    webhook_max_response_bytes: int = Field(65_536, gt=0)
    webhook_retry_hours: float = Field(
        24.0, gt=0, le=24 * 7, description="How long a delivery is retried before it fails."
    )
    webhook_poll_seconds: float = Field(1.0, gt=0)
    webhook_lease_seconds: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="How long a worker holds a delivery it is sending: one that dies lets it go"
        " after this, and another sends it again. Longer than the timeout.",
    )
    max_concurrent_requests: int | None = Field(
        None,
        gt=0,
        le=1000,
        description="Requests one process works on at once; others queue. Unset: 1 on SQLite,"
        " 32 on PostgreSQL (see `admitted_at_once`).",
    )

    @field_validator("database_url", "migration_database_url")
    @classmethod
    def _supported_database(cls, url: str | None) -> str | None:
        if url is None:
            return None
        if url.startswith("postgresql://"):
            # One driver for PostgreSQL: psycopg 3.
            return "postgresql+psycopg://" + url.removeprefix("postgresql://")
        if not url.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError("a database URL must be a sqlite:// or postgresql:// URL")
        return url

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, origins: list[str]) -> list[str]:
        # An API of patient data names the front-ends it trusts; a wildcard trusts every site.
        for origin in origins:
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(f"{origin!r} is not an origin such as https://desk.example.org")
        return origins

    @field_validator("rate_limit", "failed_auth_limit")
    @classmethod
    def _parseable_rate_limit(cls, value: str) -> str:
        from limits import parse

        parse(value)
        return value

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Self:
        # A lease that ran out while its worker still waited for the subscriber would let a
        # second worker send the same delivery at the same time.
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("webhook_lease_seconds must be longer than webhook_timeout_seconds")
        return self

    @property
    def webhook_lease(self) -> timedelta:
        return timedelta(seconds=self.webhook_lease_seconds)

    @property
    def webhook_retry_window(self) -> timedelta:
        return timedelta(hours=self.webhook_retry_hours)

    @property
    def migration_url(self) -> str:
        """The schema owner's URL: the migration URL when set, else the service's."""
        return self.migration_database_url or self.database_url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def admitted_at_once(self) -> int:
        """`max_concurrent_requests`, or its default for the database. SQLite has one writer,
        and every request that reads patient data writes its audit event, so requests queue for
        it whatever the limit; run side by side meanwhile, on one interpreter, each costs more
        CPU, and at 8 connections the process answered up to a fifth fewer requests than at
        one. PostgreSQL serves requests at once, and a request waiting on it leaves the CPU to
        the others."""
        if self.max_concurrent_requests is not None:
            return self.max_concurrent_requests
        return 1 if self.is_sqlite else 32

    def require_production_secret(self) -> None:
        if not self.is_sqlite and self.key_secret.get_secret_value() == _DEVELOPMENT_KEY_SECRET:
            raise ValueError("IOP_KEY_SECRET must be set when the database is not the embedded one")


@lru_cache
def get_settings() -> Settings:
    return Settings()
