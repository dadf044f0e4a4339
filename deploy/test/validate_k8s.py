#!/usr/bin/env python3
"""Validates the rendered Kubernetes manifests of deploy/k8s (output of
`kustomize build`), then checks that they agree with each other and with the
rest of the repository.

Usage: validate_k8s.py KUSTOMIZE REPO_ROOT DATELINE   (run by deploy/test/k8s-validate.sh,
which installs kustomize and the packages below, and builds the dateline
binary; this renders deploy/k8s/base)

The worker checks its own config: the ConfigMap's dateline.toml goes through
`dateline run --check` with the Deployment's environment (secrets replaced by
placeholders), and its taxonomy.toml through `dateline taxonomy check`.

Schemas, all from PyPI, all offline:
- built-in kinds (Deployment, Service, ConfigMap, PodDisruptionBudget):
  `kubernetes-validate`, which ships the Kubernetes OpenAPI schemas as JSON
  Schema, in strict mode (unknown fields are errors, as with
  `kubectl apply --validate=strict`), against the oldest and newest
  Kubernetes versions in KUBERNETES_VERSIONS;
- CRDs (ScaledObject, TriggerAuthentication, ServiceMonitor, PrometheusRule):
  the pydantic models of `cloudcoil-models-keda` and
  `cloudcoil-models-prometheus-operator`, generated from the upstream CRDs'
  OpenAPI schemas (types, required fields, enums, patterns). Those models
  accept unknown keys, as the API server does for CRDs (it prunes them
  silently); `unknown_fields` below walks the models to reject them, which is
  what turns a typo like `lagTreshold` into an error rather than a no-op.

Prints one `ok - ...` / `not ok - ...` line per check and a closing
`k8s-validate: N passed, M failed`; exits 1 if anything failed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import tomllib
import types
import typing
from pathlib import Path

import kubernetes_validate
import pydantic
import yaml
from cloudcoil.models.keda import v1alpha1 as keda
from cloudcoil.models.prometheus_operator import v1 as monitoring

import tap
from tap import check

# An older release that managed clusters still run, and the newest that
# kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.31", "1.37")

CRD_MODELS: dict[tuple[str, str], type[pydantic.BaseModel]] = {
    ("keda.sh/v1alpha1", "ScaledObject"): keda.ScaledObject,
    ("keda.sh/v1alpha1", "TriggerAuthentication"): keda.TriggerAuthentication,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): monitoring.ServiceMonitor,
    ("monitoring.coreos.com/v1", "PrometheusRule"): monitoring.PrometheusRule,
}

# The kafka scaler's trigger metadata keys and authentication parameters (KEDA
# docs, "Apache Kafka" scaler, 2.x).
KAFKA_TRIGGER_KEYS = {
    "bootstrapServers", "bootstrapServersFromEnv", "consumerGroup", "consumerGroupFromEnv",
    "topic", "topicFromEnv", "lagThreshold", "activationLagThreshold", "offsetResetPolicy",
    "allowIdleConsumers", "scaleToZeroOnInvalidOffset", "excludePersistentLag", "version",
    "partitionLimitation", "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions",
    "sasl", "saslTokenProvider", "tls", "unsafeSsl", "awsRegion",
}
KAFKA_AUTH_PARAMS = {
    "sasl", "username", "password", "tls", "ca", "cert", "key", "keyPassword", "unsafeSsl",
    "oauthTokenEndpointUri", "scopes", "oauthExtensions", "realm", "kerberosConfig",
    "serviceName", "keytab", "awsRegion", "awsEndpoint",
}

# Kubernetes resource.Quantity, as the API server parses it.
QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")


# --- unknown fields in CRD objects --------------------------------------------


def _model_shape(annotation: typing.Any):
    """The pydantic model (or list/dict of models) inside a field annotation."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _model_shape(args[0])
    if origin in (typing.Union, types.UnionType):
        for a in args:
            if a is not type(None):
                shape = _model_shape(a)
                if shape is not None:
                    return shape
        return None
    if origin in (list, typing.List):
        inner = _model_shape(args[0]) if args else None
        return ("list", inner) if inner else None
    if origin in (dict, typing.Dict):
        inner = _model_shape(args[1]) if len(args) == 2 else None
        return ("dict", inner) if inner else None
    if isinstance(annotation, type) and issubclass(annotation, pydantic.RootModel):
        return None  # scalars with a pattern (quantities, durations)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return ("model", annotation)
    return None


def unknown_fields(model: type[pydantic.BaseModel], data: typing.Any, path: str = "") -> list[str]:
    if not isinstance(data, dict):
        return []
    fields = {(f.alias or name): f for name, f in model.model_fields.items()}
    errors = []
    for key, value in data.items():
        field = fields.get(key)
        if field is None:
            errors.append(f"{path}.{key}" if path else key)
            continue
        errors += _walk(_model_shape(field.annotation), value, f"{path}.{key}" if path else key)
    return errors


def _walk(shape, value, path: str) -> list[str]:
    if shape is None:
        return []
    kind, inner = shape
    if kind == "model":
        return unknown_fields(inner, value, path)
    if kind == "list" and isinstance(value, list):
        return [e for i, v in enumerate(value) for e in _walk(inner, v, f"{path}[{i}]")]
    if kind == "dict" and isinstance(value, dict):
        return [e for k, v in value.items() for e in _walk(inner, v, f"{path}.{k}")]
    return []


# --- schema validation ---------------------------------------------------------


def validate_schema(doc: dict) -> None:
    kind, api = doc.get("kind"), doc.get("apiVersion")
    name = f"{kind}/{doc.get('metadata', {}).get('name')}"
    model = CRD_MODELS.get((api, kind))
    if model is not None:
        try:
            model.model_validate(doc)
            problem = ""
        except pydantic.ValidationError as e:
            problem = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        check(not problem, f"{name} matches the {api} CRD schema", problem)
        extra = unknown_fields(model, doc)
        check(not extra, f"{name} has no fields unknown to the CRD", f"unknown: {', '.join(extra)}")
        return
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
            problem = ""
        except kubernetes_validate.SchemaNotFoundError:
            problem = f"no schema for {api} {kind} (add a model to CRD_MODELS?)"
        except kubernetes_validate.ValidationError as e:
            where = ".".join(str(p) for p in e.path)
            problem = f"{where}: {e.message}"
        check(not problem, f"{name} valid for Kubernetes {version} (strict)", problem)


# --- the manifests agree with each other and with the repo ----------------------


def one(docs: list[dict], kind: str) -> dict:
    found = [d for d in docs if d.get("kind") == kind]
    if not check(len(found) == 1, f"exactly one {kind}", f"found {len(found)}"):
        sys.exit(finish())
    return found[0]


def selects(selector: dict, labels: dict) -> bool:
    match = selector.get("matchLabels", {})
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def seconds(duration_ms: int) -> float:
    return duration_ms / 1000


def cross_checks(docs: list[dict], root: Path, dateline: str | None) -> None:
    deploy = one(docs, "Deployment")
    service = one(docs, "Service")
    configmap = one(docs, "ConfigMap")
    pdb = one(docs, "PodDisruptionBudget")
    monitor = one(docs, "ServiceMonitor")
    rule = one(docs, "PrometheusRule")
    scaled = one(docs, "ScaledObject")
    auth = one(docs, "TriggerAuthentication")

    pod = deploy["spec"]["template"]
    pod_labels = pod["metadata"].get("labels", {})
    spec = pod["spec"]
    containers = spec["containers"]
    check(len(containers) == 1, "one container in the pod", f"{len(containers)}")
    c = containers[0]

    # The worker's own config, from the ConfigMap.
    data = configmap.get("data", {})
    check({"dateline.toml", "taxonomy.toml"} <= set(data), "ConfigMap holds dateline.toml and taxonomy.toml",
          f"keys {sorted(data)}")
    try:
        cfg = tomllib.loads(data.get("dateline.toml", ""))
        check(True, "ConfigMap dateline.toml parses as TOML")
    except tomllib.TOMLDecodeError as e:
        check(False, "ConfigMap dateline.toml parses as TOML", str(e))
        cfg = {}
    kafka = cfg.get("kafka", {})

    # Config file and taxonomy: mounted from this ConfigMap where args and config say.
    args = c.get("args", [])
    config_path = args[args.index("--config") + 1] if "--config" in args[:-1] else ""
    check(args[:1] == ["run"] and bool(config_path), "container runs `dateline run --config FILE`", f"args {args}")
    mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    cm_mount = next((m for n, m in mounts.items()
                     if volumes.get(n, {}).get("configMap", {}).get("name") == configmap["metadata"]["name"]), None)
    check(cm_mount is not None, "the ConfigMap (with its hash suffix) is mounted",
          f"volumes {list(volumes)}, ConfigMap {configmap['metadata']['name']}")
    if cm_mount:
        base = cm_mount["mountPath"].rstrip("/")
        check(cm_mount.get("readOnly") is True, "config mount is read-only", str(cm_mount))
        check(config_path == f"{base}/dateline.toml", "--config points into the ConfigMap mount",
              f"{config_path} vs mount {base}")
        taxonomy = cfg.get("classifier", {}).get("taxonomy", "")
        check(taxonomy == f"{base}/taxonomy.toml", "classifier.taxonomy points into the ConfigMap mount",
              f"{taxonomy!r} vs mount {base}")

    # Probes on the metrics port, which is the port of metrics.addr.
    ports = {p.get("name"): p for p in c.get("ports", [])}
    metrics_port = ports.get("metrics", {}).get("containerPort")
    addr = cfg.get("metrics", {}).get("addr", "")
    check(addr.startswith("0.0.0.0:") and addr.rsplit(":", 1)[-1] == str(metrics_port),
          "metrics.addr listens on all interfaces at the container's metrics port",
          f"metrics.addr {addr!r}, containerPort {metrics_port}")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")):
        get = c.get(probe, {}).get("httpGet", {})
        check(get.get("path") == path and get.get("port") in ("metrics", metrics_port),
              f"{probe} GETs {path} on the metrics port", f"{get}")

    # Resources: requests and limits for CPU and memory, well-formed, requests <= limits.
    res = c.get("resources", {})
    for kind in ("requests", "limits"):
        for r in ("cpu", "memory"):
            q = str(res.get(kind, {}).get(r, ""))
            check(bool(QUANTITY.match(q)), f"resources.{kind}.{r} is a quantity", f"{q!r}")
    try:
        fits = all(to_number(res["requests"][r]) <= to_number(res["limits"][r]) for r in ("cpu", "memory"))
    except (KeyError, ValueError):
        fits = False
    check(fits, "resource requests do not exceed limits", str(res))

    # Grace period: the drain timeout plus a margin for the final commit, and not much more.
    drain = cfg.get("shutdown", {}).get("drain_timeout_ms", 20_000)
    grace = spec.get("terminationGracePeriodSeconds", 30)
    check(seconds(drain) + 5 <= grace <= seconds(drain) + 30,
          "terminationGracePeriodSeconds = drain timeout + 5..30 s",
          f"grace {grace}s, shutdown.drain_timeout_ms {drain}")

    # Non-root, read-only root file system, no privileges; the image's uid.
    psc, csc = spec.get("securityContext", {}), c.get("securityContext", {})
    uid = csc.get("runAsUser", psc.get("runAsUser"))
    check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, "runAsNonRoot", f"{psc} {csc}")
    dockerfile = (root / "Dockerfile").read_text()
    m = re.search(r"^USER\s+(\d+)", dockerfile, re.M)
    check(m is not None and uid == int(m.group(1)) and uid != 0, "runAsUser is the image's non-root uid",
          f"runAsUser {uid}, Dockerfile USER {m.group(1) if m else None}")
    check(csc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem", str(csc))
    check(csc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation: false", str(csc))
    check("ALL" in csc.get("capabilities", {}).get("drop", []), "all capabilities dropped", str(csc))
    check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", "seccomp RuntimeDefault", str(psc))
    check("replicas" not in deploy["spec"], "Deployment leaves replicas to KEDA",
          f"replicas: {deploy['spec'].get('replicas')}")

    # Secrets: the SASL password comes from a Secret through the variable the config names.
    env = {e["name"]: e for e in c.get("env", [])}
    sec = kafka.get("security", {})
    if sec.get("protocol", "plaintext").startswith("sasl"):
        var = sec.get("password_env", "")
        ref = env.get(var, {}).get("valueFrom", {}).get("secretKeyRef")
        check(bool(var) and ref is not None, "SASL password: kafka.security.password_env names a secretKeyRef variable",
              f"password_env {var!r}, env {env.get(var)}")
        user_var = "DATELINE_KAFKA_SECURITY_USERNAME"
        check("username" in sec or "secretKeyRef" in env.get(user_var, {}).get("valueFrom", {}),
              "SASL username set (config or Secret)", "neither kafka.security.username nor " + user_var)
    literal = [n for n, e in env.items() if re.search(r"PASSWORD|SECRET|TOKEN", n) and "value" in e]
    check(not literal, "no secret-looking variable with a literal value", f"{literal}")
    check("password =" not in data.get("dateline.toml", "") and "sasl.password" not in data.get("dateline.toml", ""),
          "no password in the ConfigMap", "found a password key")
    secret_names = {e["valueFrom"]["secretKeyRef"]["name"] for e in env.values()
                    if "secretKeyRef" in e.get("valueFrom", {})}

    # Selectors and ports line up: Service -> pods, ServiceMonitor -> Service, PDB -> pods.
    check(selects({"matchLabels": service["spec"].get("selector", {})}, pod_labels),
          "Service selects the worker pods", f"{service['spec'].get('selector')} vs {pod_labels}")
    check(selects(deploy["spec"]["selector"], pod_labels), "Deployment selector matches its pod labels", "")
    svc_port = next((p for p in service["spec"]["ports"] if p.get("name") == "metrics"), {})
    check(svc_port.get("targetPort") in ("metrics", metrics_port), "Service port `metrics` targets the container port",
          str(svc_port))
    check(service["spec"].get("publishNotReadyAddresses") is True,
          "Service keeps not-ready workers scrapeable", "publishNotReadyAddresses is not true")
    check(selects(monitor["spec"]["selector"], service["metadata"].get("labels", {})),
          "ServiceMonitor selects the Service", f"{monitor['spec']['selector']}")
    eps = monitor["spec"].get("endpoints", [])
    check(any(e.get("port") == "metrics" and e.get("path", "/metrics") == "/metrics" for e in eps),
          "ServiceMonitor scrapes port `metrics` at /metrics", str(eps))
    check(selects(pdb["spec"]["selector"], pod_labels), "PodDisruptionBudget selects the worker pods", "")

    # KEDA: scales this Deployment on this group's lag, at most one pod per partition.
    so = scaled["spec"]
    check(so["scaleTargetRef"]["name"] == deploy["metadata"]["name"] and so["scaleTargetRef"].get("kind", "Deployment")
          == "Deployment", "ScaledObject targets the Deployment", str(so["scaleTargetRef"]))
    triggers = [t for t in so.get("triggers", []) if t.get("type") == "kafka"]
    check(len(triggers) == 1, "one kafka trigger", f"{so.get('triggers')}")
    md = triggers[0]["metadata"] if triggers else {}
    # Trigger metadata is a free-form string map in the CRD, so a misspelt key
    # would be ignored silently: only the kafka scaler's documented keys pass.
    unknown = sorted(set(md) - KAFKA_TRIGGER_KEYS)
    check(not unknown, "kafka trigger metadata uses only the scaler's keys", f"unknown: {unknown}")
    for key in ("lagThreshold", "activationLagThreshold"):
        check(str(md.get(key, "0")).isdigit(), f"trigger {key} is a whole number", f"{md.get(key)!r}")
    check(md.get("bootstrapServers") == kafka.get("brokers"), "trigger bootstrapServers = kafka.brokers",
          f"{md.get('bootstrapServers')!r} vs {kafka.get('brokers')!r}")
    check(md.get("consumerGroup") == kafka.get("group_id", "dateline"), "trigger consumerGroup = kafka.group_id",
          f"{md.get('consumerGroup')!r} vs {kafka.get('group_id')!r}")
    check(md.get("topic") in kafka.get("input_topics", []), "trigger topic is an input topic",
          f"{md.get('topic')!r} vs {kafka.get('input_topics')}")
    partitions = compose_partitions(root).get(md.get("topic"))
    check(partitions is not None and so.get("maxReplicaCount") == partitions,
          "maxReplicaCount = partitions of the input topic (kafka-init in docker-compose.yml)",
          f"maxReplicaCount {so.get('maxReplicaCount')}, partitions {partitions}")
    check(1 <= so.get("minReplicaCount", 0) <= so.get("maxReplicaCount", 0), "1 <= minReplicaCount <= max",
          f"{so.get('minReplicaCount')}")
    ref = triggers[0].get("authenticationRef", {}).get("name") if triggers else None
    check(ref == auth["metadata"]["name"], "trigger uses the TriggerAuthentication", f"{ref!r}")
    ta_secrets = {t["name"] for t in auth["spec"].get("secretTargetRef", [])}
    params = {t["parameter"] for t in auth["spec"].get("secretTargetRef", [])}
    check(params <= KAFKA_AUTH_PARAMS, "TriggerAuthentication uses only the kafka scaler's parameters",
          f"unknown: {sorted(params - KAFKA_AUTH_PARAMS)}")
    check(ta_secrets and ta_secrets <= secret_names, "KEDA reads the worker's Secret",
          f"TriggerAuthentication {ta_secrets}, worker {secret_names}")
    if sec.get("protocol", "plaintext").startswith("sasl"):
        check({"sasl", "username", "password"} <= params, "KEDA authenticates like the worker (sasl, username, password)",
              f"{params}")
    if sec.get("protocol", "plaintext").endswith("ssl"):
        check("tls" in params, "KEDA uses TLS like the worker", f"{params}")

    if dateline:
        worker_checks(dateline, data, env, cm_mount["mountPath"] if cm_mount else "/etc/dateline")

    # Generated files have not drifted from their sources (deploy/k8s/sync.sh).
    alerts = yaml.safe_load((root / "deploy/prometheus/alerts.yml").read_text())
    check(rule["spec"] == alerts, "PrometheusRule = deploy/prometheus/alerts.yml",
          "drifted: run deploy/k8s/sync.sh")
    bundled = (root / "crates/dateline-classify/data/taxonomy.toml").read_text()
    check(data.get("taxonomy.toml") == bundled, "ConfigMap taxonomy = the bundled taxonomy",
          "drifted: run deploy/k8s/sync.sh")


def worker_checks(dateline: str, data: dict, env: dict, mount: str) -> None:
    """The worker validates the ConfigMap's files, with the pod's environment."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("dateline.toml", "taxonomy.toml"):
            Path(tmp, name).write_text(data.get(name, ""))
        run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for name, e in env.items():
            # Secret and downward-API values are placeholders here; the names
            # must still be settings the worker knows (it rejects unknown
            # DATELINE_* variables).
            run_env[name] = e.get("value", f"placeholder-{name.lower()}")
        # The taxonomy path names the mount inside the pod; point it here.
        config = data.get("dateline.toml", "").replace(f"{mount.rstrip('/')}/taxonomy.toml", f"{tmp}/taxonomy.toml")
        Path(tmp, "dateline.toml").write_text(config)
        r = subprocess.run([dateline, "run", "--check", "--config", f"{tmp}/dateline.toml"],
                           capture_output=True, text=True, env=run_env)
        check(r.returncode == 0, "`dateline run --check` accepts the ConfigMap config with the pod's environment",
              (r.stderr or r.stdout).strip())
        r = subprocess.run([dateline, "taxonomy", "check", f"{tmp}/taxonomy.toml"], capture_output=True, text=True)
        check(r.returncode == 0, "`dateline taxonomy check` accepts the ConfigMap taxonomy",
              (r.stdout + r.stderr).strip()[-2000:])


def to_number(q) -> float:
    q = str(q)
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9}
    for u, f in units.items():
        if q.endswith(u):
            return float(q[: -len(u)]) * f
    return float(q)


def compose_partitions(root: Path) -> dict[str, int]:
    """Partition counts of the topics kafka-init creates in docker-compose.yml."""
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    script = "\n".join(compose["services"]["kafka-init"].get("command", []))
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"--topic\s+(\S+)\s+--partitions\s+(\d+)", script)}


def finish() -> int:
    print(f"k8s-validate: {tap.passed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


def main() -> int:
    kustomize, root = sys.argv[1], Path(sys.argv[2])
    base = root / "deploy/k8s/base"
    build = subprocess.run([kustomize, "build", str(base)], capture_output=True, text=True)
    docs = [d for d in yaml.safe_load_all(build.stdout) if d] if build.returncode == 0 else []
    if not check(build.returncode == 0 and len(docs) > 0, f"kustomize build deploy/k8s/base ({len(docs)} objects)",
                 build.stderr.strip()):
        return finish()
    for doc in docs:
        validate_schema(doc)
    cross_checks(docs, root, sys.argv[3] if len(sys.argv) > 3 else None)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
