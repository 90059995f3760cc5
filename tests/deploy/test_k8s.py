"""deploy/k8s: Strimzi Kafka (KRaft), one KafkaTopic per topic, Deployments with probes and resources, HPAs."""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections import defaultdict

import kubernetes_validate
import pytest
import yaml

from config.settings import KafkaSettings, TopicNames
from kafka_io.client import topic_specs
from tests.support.manifests import K8S, load_docs

NOT_APPLIED = {"kustomization.yaml", "secret.example.yaml"}
KUBERNETES = "1.30.0"  # oldest Kubernetes the manifests must work on (HPA v2 and PDB v1 are GA there)


@pytest.fixture(scope="module")
def by_kind() -> dict[str, dict[str, dict]]:
    """Every resource under deploy/k8s (the Secret example included), by kind and name."""
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in load_docs(path):
            assert {"apiVersion", "kind", "metadata"} <= doc.keys(), path.name
            assert doc["metadata"]["name"] not in out[doc["kind"]], f"duplicate {doc['kind']} in {path.name}"
            out[doc["kind"]][doc["metadata"]["name"]] = doc
    return out


@pytest.fixture(scope="module")
def config(by_kind) -> dict[str, str]:
    return by_kind["ConfigMap"]["upskill-config"]["data"]


def _topic(by_kind, name: str) -> dict:
    matches = [t for t in by_kind["KafkaTopic"].values() if t["spec"]["topicName"] == name]
    assert len(matches) == 1, f"{len(matches)} KafkaTopic resources for {name}"
    return matches[0]


def _container(deployment: dict) -> dict:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def test_kustomization_lists_every_manifest_but_the_secret_example():
    kustomization = load_docs(K8S / "kustomization.yaml")[0]
    on_disk = {p.name for p in K8S.glob("*.yaml")} - NOT_APPLIED
    assert set(kustomization["resources"]) == on_disk


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_kustomize_renders_everything_in_the_namespace():
    out = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=True).stdout
    docs = [d for d in yaml.safe_load_all(out) if d]
    kinds = {d["kind"] for d in docs}
    assert kinds >= {"Kafka", "KafkaNodePool", "KafkaTopic", "Deployment", "HorizontalPodAutoscaler"}
    assert all(d["metadata"].get("namespace") == "upskill" for d in docs if d["kind"] != "Namespace")


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_builtin_resources_match_the_kubernetes_schema(path):
    """Strict: a misspelt field (``livenesProbe``) fails here instead of being dropped by the API server."""
    for doc in load_docs(path):
        if "strimzi.io" in doc["apiVersion"] or doc["kind"] == "Kustomization":
            continue
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_schema_validation_rejects_a_misspelt_probe(by_kind):
    deployment = copy.deepcopy(by_kind["Deployment"]["upskill-worker"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["livenesProbe"] = container.pop("livenessProbe")
    with pytest.raises(kubernetes_validate.ValidationError, match="livenesProbe"):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


def test_kafka_runs_in_kraft_mode_with_replication_3_and_min_isr_2(by_kind):
    (kafka,) = by_kind["Kafka"].values()
    assert kafka["apiVersion"] == "kafka.strimzi.io/v1", "Strimzi >= 1.0 serves only v1 (KRaft, node pools)"
    assert "zookeeper" not in kafka["spec"]
    cfg = kafka["spec"]["kafka"]["config"]
    assert cfg["default.replication.factor"] == 3 and cfg["min.insync.replicas"] == 2
    assert cfg["offsets.topic.replication.factor"] == 3 and cfg["transaction.state.log.min.isr"] == 2
    assert cfg["auto.create.topics.enable"] is False
    pools = [p for p in by_kind["KafkaNodePool"].values() if p["metadata"]["labels"]["strimzi.io/cluster"] == "upskill"]
    controllers = sum(p["spec"]["replicas"] for p in pools if "controller" in p["spec"]["roles"])
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"])
    assert controllers >= 3 and controllers % 2 == 1, "a KRaft quorum needs an odd number >= 3 of controllers"
    assert brokers >= 3


def test_clients_bootstrap_from_the_strimzi_service(by_kind, config):
    (kafka,) = by_kind["Kafka"].values()
    plain = next(lst for lst in kafka["spec"]["kafka"]["listeners"] if not lst["tls"])
    assert config["UPSKILL_KAFKA__BOOTSTRAP_SERVERS"] == f"{kafka['metadata']['name']}-kafka-bootstrap:{plain['port']}"


@pytest.mark.parametrize("topic", sorted(TopicNames().model_dump().values()))
def test_each_topic_has_partitions_replicas_and_retention(by_kind, topic):
    res = _topic(by_kind, topic)
    spec = res["spec"]
    assert res["metadata"]["labels"]["strimzi.io/cluster"] in by_kind["Kafka"]
    assert spec["partitions"] >= 1 and spec["replicas"] == 3
    assert spec["config"]["min.insync.replicas"] == 2
    assert "retention.ms" in spec["config"]
    expected = "compact" if topic == TopicNames().catalog else "compact,delete"
    assert spec["config"]["cleanup.policy"] == expected
    if topic in TopicNames().learner_keyed():  # an erasure's tombstone removes the learner within a day
        assert int(spec["config"]["max.compaction.lag.ms"]) <= 86_400_000
        assert int(spec["config"]["delete.retention.ms"]) <= 86_400_000


def test_settings_partitions_match_the_assessments_topic(by_kind, config):
    assert int(config["UPSKILL_KAFKA__PARTITIONS"]) == _topic(by_kind, TopicNames().assessments)["spec"]["partitions"]
    assert int(config["UPSKILL_KAFKA__REPLICATION_FACTOR"]) == 3


def test_worker_autoscaling_is_bounded_by_partitions(by_kind):
    partitions = _topic(by_kind, TopicNames().assessments)["spec"]["partitions"]
    hpa = by_kind["HorizontalPodAutoscaler"]["upskill-worker"]["spec"]
    assert hpa["maxReplicas"] == partitions, "workers beyond the partition count get no partition"
    assert 2 <= hpa["minReplicas"] <= by_kind["Deployment"]["upskill-worker"]["spec"]["replicas"] <= partitions


def test_every_hpa_targets_an_existing_deployment(by_kind):
    for name, hpa in by_kind["HorizontalPodAutoscaler"].items():
        ref = hpa["spec"]["scaleTargetRef"]
        assert ref["kind"] == "Deployment" and ref["name"] in by_kind["Deployment"], name
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"], name
        assert hpa["spec"]["metrics"], name


@pytest.mark.parametrize("name", ["upskill-worker", "upskill-api"])
def test_deployments_have_image_probes_resources_and_run_as_non_root(by_kind, name):
    dep = by_kind["Deployment"][name]
    pod = dep["spec"]["template"]["spec"]
    container = _container(dep)
    assert container["image"].startswith("upskill:")
    assert dep["spec"]["selector"]["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"]["port"] in ports, f"{name} {probe} probes an undeclared port"
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    assert "memory" in container["resources"]["limits"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize("name", ["upskill-worker", "upskill-api"])
def test_deployments_read_the_config_map_and_secret(by_kind, name):
    refs = _container(by_kind["Deployment"][name])["envFrom"]
    assert {r["configMapRef"]["name"] for r in refs if "configMapRef" in r} <= by_kind["ConfigMap"].keys()
    assert {r["secretRef"]["name"] for r in refs if "secretRef" in r} <= by_kind["Secret"].keys()


def test_probes_use_the_configured_ports_and_endpoints(by_kind, config):
    worker, api = _container(by_kind["Deployment"]["upskill-worker"]), _container(by_kind["Deployment"]["upskill-api"])
    assert worker["args"] == ["worker"] and api["args"] == ["api"]
    assert {p["name"]: p["containerPort"] for p in worker["ports"]}["metrics"] == int(config["UPSKILL_METRICS__PORT"])
    assert {p["name"]: p["containerPort"] for p in api["ports"]}["http"] == int(config["UPSKILL_API__PORT"])
    assert worker["livenessProbe"]["httpGet"]["path"] == "/metrics"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_api_service_reaches_the_api_pods(by_kind):
    service = by_kind["Service"]["upskill-api"]["spec"]
    dep = by_kind["Deployment"]["upskill-api"]
    assert service["selector"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()
    port_names = {p["name"] for p in _container(dep)["ports"]}
    assert all(p["targetPort"] in port_names for p in service["ports"])


def test_disruption_budgets_cover_each_deployment_without_blocking_drains(by_kind):
    covered = set()
    for name, pdb in by_kind["PodDisruptionBudget"].items():
        for dep_name, dep in by_kind["Deployment"].items():
            labels = dep["spec"]["template"]["metadata"]["labels"]
            if pdb["spec"]["selector"]["matchLabels"].items() <= labels.items():
                covered.add(dep_name)
                hpa_min = by_kind["HorizontalPodAutoscaler"][dep_name]["spec"]["minReplicas"]
                assert pdb["spec"].get("maxUnavailable", 0) >= 1 or pdb["spec"]["minAvailable"] < hpa_min, name
    assert covered == set(by_kind["Deployment"])


def test_kafka_topics_match_what_upskill_topics_create_makes(by_kind, config):
    """Compose (``upskill topics create``) and Kubernetes (Strimzi) end with the same topics."""
    kafka = KafkaSettings(partitions=int(config["UPSKILL_KAFKA__PARTITIONS"]), replication_factor=3)
    specs = topic_specs(kafka)
    assert {s.name for s in specs} == {t["spec"]["topicName"] for t in by_kind["KafkaTopic"].values()}
    for spec in specs:
        res = _topic(by_kind, spec.name)["spec"]
        assert res["partitions"] == spec.num_partitions, spec.name
        assert res["replicas"] == spec.replication_factor, spec.name
        for name, value in (spec.topic_configs or {}).items():
            assert str(res["config"][name]) == value, (spec.name, name)
