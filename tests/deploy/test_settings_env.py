"""Every UPSKILL_* variable written anywhere in deploy/ is a real setting, and its values parse."""

from __future__ import annotations

import pytest
import yaml

from config.settings import Settings
from tests.support.manifests import (
    COMPOSE,
    DEPLOY,
    K8S,
    deploy_text_files,
    dockerfile_env,
    dockerfile_instructions,
    env_names_in,
    environment,
    load_docs,
    setting_path,
)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("UPSKILL_KAFKA__BOOTSTRAP_SERVERS", "kafka.bootstrap_servers"),
        ("UPSKILL_KAFKA__TOPICS__CATALOG", "kafka.topics.catalog"),
        ("UPSKILL_DATABASE__URL", "database.url"),
        ("UPSKILL_API__ADMIN_TOKEN", "api.admin_token"),
        ("UPSKILL_METRICS__PORT", "metrics.port"),
        ("UPSKILL_DATA_DIR", "data_dir"),
        ("UPSKILL_LOG_FORMAT", "log_format"),
        ("UPSKILL_KAFKA", "kafka"),
    ],
)
def test_validator_maps_real_settings_to_their_field(name, path):
    assert setting_path(name) == path


@pytest.mark.parametrize(
    "name",
    [
        "UPSKILL_KAFKA__BOOTSTRAP_SERVER",  # missing S: would silently keep 127.0.0.1:9092
        "UPSKILL_KAFKA_BOOTSTRAP_SERVERS",  # single underscore is not the nesting delimiter
        "UPSKILL_DATABASE__URL__HOST",  # descends into a plain string
        "UPSKILL_API__ADMIN_TOKEN__",
        "UPSKILL_METRICS__PORTS",
        "UPSKILL_",
        "KAFKA__BOOTSTRAP_SERVERS",
    ],
)
def test_validator_rejects_typos_and_non_settings(name):
    assert setting_path(name) is None


def test_validator_agrees_with_pydantic_settings(monkeypatch):
    """What the walker accepts, pydantic-settings really applies; what it rejects, it really ignores."""
    monkeypatch.setenv("UPSKILL_KAFKA__BOOTSTRAP_SERVERS", "a:1")
    monkeypatch.setenv("UPSKILL_KAFKA__BOOTSTRAP_SERVER", "typo:2")
    settings = Settings(_env_file=None)
    assert settings.kafka.bootstrap_servers == "a:1"
    assert "typo:2" not in settings.model_dump_json()


def test_every_upskill_variable_in_deploy_is_a_setting():
    named = {p.relative_to(DEPLOY).as_posix(): env_names_in(p.read_text(encoding="utf-8")) for p in deploy_text_files()}
    unknown = {f"{where}: {name}" for where, names in named.items() for name in names if setting_path(name) is None}
    assert not unknown, f"not fields of config.settings.Settings: {sorted(unknown)}"
    everywhere = set().union(*named.values())
    assert {"UPSKILL_KAFKA__BOOTSTRAP_SERVERS", "UPSKILL_DATABASE__URL", "UPSKILL_METRICS__PORT"} <= everywhere


def _settings_from(values: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def _value_at(settings: Settings, path: str) -> str:
    value = settings
    for part in path.split("."):
        value = getattr(value, part)
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)


def _assert_applied(values: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    upskill = {k: v for k, v in values.items() if k.startswith("UPSKILL_")}
    assert upskill, "no UPSKILL_* values found"
    settings = _settings_from(upskill, monkeypatch)
    for name, value in upskill.items():
        assert _value_at(settings, setting_path(name)) == value, name
    return settings


def test_compose_values_parse_into_settings(monkeypatch):
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    env = {"UPSKILL_API__ADMIN_TOKEN": "t0ken", "UPSKILL_PSEUDONYM_KEY": "k3y", "UPSKILL_API__SESSION_SECRET": "s3cret"}
    settings = _assert_applied(environment(services["worker"], env), monkeypatch)
    assert settings.log_format == "json"
    assert settings.kafka.bootstrap_list == ["kafka-1:9092", "kafka-2:9092", "kafka-3:9092"]


def test_k8s_config_and_secret_values_parse_into_settings(monkeypatch):
    config = load_docs(K8S / "config.yaml")[0]["data"]
    secret = load_docs(K8S / "secret.example.yaml")[0]["stringData"]
    settings = _assert_applied({**config, **secret}, monkeypatch)
    assert settings.metrics.port == 9100
    assert settings.database.url.startswith("postgresql+psycopg://")


def test_dockerfile_env_parses_into_settings(monkeypatch):
    settings = _assert_applied(dockerfile_env(dockerfile_instructions()), monkeypatch)
    assert settings.api.host == "0.0.0.0"  # noqa: S104 - inside a container, reachable through its port
