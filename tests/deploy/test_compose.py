"""deploy/compose.yaml: 3 KRaft brokers with replication 3 / min ISR 2, health checks, the right wiring."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import yaml

from tests.support.manifests import COMPOSE, K8S, ROOT, environment, interpolate, load_docs

SECRETS = {"UPSKILL_API__ADMIN_TOKEN": "t0ken", "UPSKILL_PSEUDONYM_KEY": "k3y", "UPSKILL_API__SESSION_SECRET": "s3cret"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def brokers(services) -> dict:
    return {name: s for name, s in services.items() if str(s.get("image", "")).startswith("apache/kafka:")}


def test_three_kraft_brokers_form_one_quorum(brokers):
    assert len(brokers) == 3
    envs = {name: environment(s, {}) for name, s in brokers.items()}
    voters = {f"{e['KAFKA_NODE_ID']}@{name}:9093" for name, e in envs.items()}
    for name, env in envs.items():
        assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}, name
        assert set(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters, name
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{name}:9092"
        assert not any("ZOOKEEPER" in key for key in env), name
    assert len({e["CLUSTER_ID"] for e in envs.values()}) == 1
    assert len({e["KAFKA_NODE_ID"] for e in envs.values()}) == 3


def test_brokers_replicate_three_times_and_need_two_in_sync(brokers):
    for name, s in brokers.items():
        env = environment(s, {})
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3", name
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2", name
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3", name
        assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2", name
        assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", name


def test_every_long_running_service_has_a_healthcheck(services):
    for name, s in services.items():
        if s.get("restart") == "no":  # one-shot: its exit status is the signal
            continue
        check = s.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_dependencies_wait_for_health_or_completion(services):
    for name, s in services.items():
        for dep, cond in (s.get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            condition = cond["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep}'s health, it has none"
            else:
                assert condition == "service_completed_successfully", f"{name} -> {dep}: {condition}"
                assert services[dep].get("restart") == "no", f"{dep} is waited on to exit; it must be one-shot"


def test_topic_init_runs_once_before_workers_and_api(services):
    init = services["topics-init"]
    assert init["command"] == ["topics", "create"]
    assert init["restart"] == "no"
    assert set(init["depends_on"]) == {"kafka-1", "kafka-2", "kafka-3"}
    for name in ("worker", "api"):
        assert services[name]["depends_on"]["topics-init"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    # the API migrates the empty database alone before N workers start
    assert services["worker"]["depends_on"]["api"]["condition"] == "service_healthy"


def test_workers_are_replicated_and_the_api_is_published(services):
    worker, api = services["worker"], services["api"]
    assert worker["command"] == ["worker"] and api["command"] == ["api"]
    replicas = int(interpolate(str(worker["deploy"]["replicas"]), {}))
    partitions = int(environment(worker, SECRETS)["UPSKILL_KAFKA__PARTITIONS"])
    assert 2 <= replicas <= partitions
    assert int(interpolate(str(worker["deploy"]["replicas"]), {"WORKERS": "6"})) == 6
    port = environment(api, SECRETS)["UPSKILL_API__PORT"]
    assert f"8000:{port}" in api["ports"]
    assert "--ready" in api["healthcheck"]["test"]


def test_upskill_services_point_at_the_brokers_and_postgres(services, brokers):
    for name in ("topics-init", "worker", "api"):
        env = environment(services[name], SECRETS)
        assert sorted(env["UPSKILL_KAFKA__BOOTSTRAP_SERVERS"].split(",")) == [f"{b}:9092" for b in sorted(brokers)]
        assert int(env["UPSKILL_KAFKA__REPLICATION_FACTOR"]) == len(brokers)
        db = urlsplit(env["UPSKILL_DATABASE__URL"])
        assert db.scheme == "postgresql+psycopg" and db.hostname == "postgres" and db.hostname in services
        assert db.username == services["postgres"]["environment"]["POSTGRES_USER"]
        assert db.path == "/" + services["postgres"]["environment"]["POSTGRES_DB"]


def test_secrets_have_no_default(services):
    """`docker compose up` refuses to start without an admin token, a pseudonym key and a session secret."""
    for name in SECRETS:
        partial = {k: v for k, v in SECRETS.items() if k != name}
        with pytest.raises(KeyError, match=name):
            environment(services["api"], partial)


def test_images_build_from_the_dockerfile(services):
    for name in ("topics-init", "worker", "api"):
        build = services[name]["build"]
        context = (COMPOSE.parent / build["context"]).resolve()
        assert context == ROOT
        assert (context / build["dockerfile"]).is_file()


def test_volumes_are_declared(compose, services):
    for name, s in services.items():
        for volume in s.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in compose["volumes"], f"{name} mounts undeclared volume {source}"


def test_compose_and_kubernetes_run_the_same_kafka_version(brokers):
    (kafka,) = [d for d in load_docs(K8S / "kafka.yaml") if d["kind"] == "Kafka"]
    versions = {s["image"].split(":", 1)[1] for s in brokers.values()}
    assert versions == {kafka["spec"]["kafka"]["version"]}
