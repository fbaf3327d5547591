"""Static checks of the Kubernetes base deploy/k8s/ (issue 14): no cluster, no network.

The base is rendered by devtools/k8s_render.py (the two Kustomize features it uses), every
object is validated against the Kubernetes 1.30 OpenAPI schemas shipped by kubernetes-validate
(strict: an unknown field is an error), and the deployment rules are asserted: requests,
limits and probes, no secret value in the manifests, a PodDisruptionBudget per Deployment,
HorizontalPodAutoscalers and NetworkPolicies that select what exists, the network of
docker-compose.yml (only the bot is reachable from outside and reaches the internet), pinned
images, restricted security contexts, and the wiring between objects (Services, ConfigMap
keys, Rasa's endpoints file).

As in test_compose.py, each rule is a ``check_*`` function returning a list of problems, and
``test_check_detects_breakage`` breaks an in-memory copy once per rule and requires the rule
to notice, so that no check can pass vacuously. Where a kubectl is installed, its
``kubectl kustomize`` must render the same objects as our renderer.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from devtools.k8s_render import BASE, render

KUBERNETES_VERSION = "1.30"
NAMESPACE = "rebond"
SECRET_NAME = "rebond-secrets"
# The keys of the Secret that is not in the base (deploy/k8s/README.md documents them).
SECRET_KEYS = frozenset(
    {
        "APP_DB_PASSWORD",
        "RASA_TRACKER_PASSWORD",
        "TRACKER_ERASER_PASSWORD",
        "REDIS_PASSWORD",
        "RASA_AUTH_TOKEN",
        "ACTION_SERVER_SECRET",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
    }
)
REPLICAS = {"rebond-rasa": 2, "rebond-action-server": 2, "rebond-bot": 2}
AUTOSCALED = {"rebond-rasa", "rebond-action-server"}
# The only component reachable from outside the namespace and allowed out to the internet.
EDGE_COMPONENT = "bot"
# Rasa's endpoints file: the action server by its Service.
ACTION_URL = "http://rebond-action-server:5055/webhook"
SECRETISH_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL", re.I)
SECRETISH_LINE = re.compile(
    r"^\s*[\w-]*(password|secret|token|api_?key)[\w-]*\s*:\s*(?P<value>\S.*)$", re.I | re.M
)
URL_PASSWORD = re.compile(r"://[^:/@\s]+:(?P<password>[^@\s]+)@")

Objects = list[dict[str, Any]]
Check = Callable[[Objects], list[str]]


# -- helpers -----------------------------------------------------------------------------
def name_of(obj: dict[str, Any]) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def of_kind(objects: Objects, kind: str) -> Iterator[dict[str, Any]]:
    return (obj for obj in objects if obj["kind"] == kind)


def find(objects: Objects, kind: str, name: str) -> dict[str, Any]:
    for obj in of_kind(objects, kind):
        if obj["metadata"]["name"] == name:
            return obj
    raise KeyError(f"{kind}/{name}")


def pod_templates(objects: Objects) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(owner, pod template) of every workload."""
    for obj in objects:
        if obj["kind"] in {"Deployment", "Job"}:
            yield obj, obj["spec"]["template"]


def containers(template: dict[str, Any]) -> list[dict[str, Any]]:
    spec = template["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """matchLabels / matchExpressions (In, NotIn, Exists, DoesNotExist) against labels."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def pods_selected(objects: Objects, selector: dict[str, Any]) -> list[str]:
    return [
        name_of(owner)
        for owner, template in pod_templates(objects)
        if selects(selector, template["metadata"].get("labels") or {})
    ]


def component_of(objects: Objects, selector: dict[str, Any]) -> set[str]:
    return {
        template["metadata"]["labels"].get("app.kubernetes.io/component", "?")
        for _, template in pod_templates(objects)
        if selects(selector, template["metadata"].get("labels") or {})
    }


# -- checks ------------------------------------------------------------------------------
def check_schema(objects: Objects) -> list[str]:
    problems = []
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{name_of(obj)}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{name_of(obj)}: no schema for {obj['apiVersion']} in 1.30")
    return problems


def check_namespace(objects: Objects) -> list[str]:
    problems = []
    for obj in objects:
        if obj["kind"] == "Namespace":
            labels = obj["metadata"].get("labels") or {}
            if labels.get("pod-security.kubernetes.io/enforce") != "restricted":
                problems.append(f"{name_of(obj)}: does not enforce the restricted standard")
        elif obj["metadata"].get("namespace") != NAMESPACE:
            problems.append(f"{name_of(obj)}: not in namespace {NAMESPACE}")
    return problems


def check_resources(objects: Objects) -> list[str]:
    problems = []
    for owner, template in pod_templates(objects):
        for container in containers(template):
            resources = container.get("resources") or {}
            for bound in ("requests", "limits"):
                missing = {"cpu", "memory"} - set(resources.get(bound) or {})
                if missing:
                    problems.append(
                        f"{name_of(owner)}/{container['name']}: no {bound} for {sorted(missing)}"
                    )
    return problems


def check_probes(objects: Objects) -> list[str]:
    problems = []
    for deployment in of_kind(objects, "Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    problems.append(f"{name_of(deployment)}/{container['name']}: no {probe}")
    return problems


def check_replicas(objects: Objects) -> list[str]:
    problems = []
    for name, replicas in REPLICAS.items():
        try:
            deployment = find(objects, "Deployment", name)
        except KeyError:
            problems.append(f"Deployment/{name}: missing")
            continue
        if deployment["spec"].get("replicas") != replicas:
            problems.append(f"Deployment/{name}: replicas is not {replicas}")
    return problems


def _secret_refs(objects: Objects) -> Iterator[tuple[str, dict[str, Any]]]:
    for owner, template in pod_templates(objects):
        for container in containers(template):
            where = f"{name_of(owner)}/{container['name']}"
            for env in container.get("env") or []:
                yield where, env


def check_no_inline_secrets(objects: Objects) -> list[str]:
    problems = []
    for obj in objects:
        if obj["kind"] == "Secret":
            problems.append(f"{name_of(obj)}: a Secret belongs outside the base")
        for key, value in (obj.get("data") or {}).items() if obj["kind"] == "ConfigMap" else ():
            # A file's name (credentials.yml) is no secret: its lines are checked below.
            if "." not in key and SECRETISH_NAME.search(key):
                problems.append(f"{name_of(obj)}: key {key} looks like a secret")
            for match in SECRETISH_LINE.finditer(str(value)):
                if not re.fullmatch(r"\$\{\w+\}", match["value"].strip()):
                    problems.append(f"{name_of(obj)}: {key} holds a secret value")
            if URL_PASSWORD.search(str(value)):
                problems.append(f"{name_of(obj)}: {key} holds a URL with a password")
    for where, env in _secret_refs(objects):
        if "value" not in env:
            continue
        value = str(env["value"])
        if SECRETISH_NAME.search(env["name"]):
            problems.append(f"{where}: {env['name']} has an inline value")
        for match in URL_PASSWORD.finditer(value):
            if not re.fullmatch(r"\$\(\w+\)", match["password"]):
                problems.append(f"{where}: {env['name']} holds a URL with a password")
    return problems


def check_references(objects: Objects) -> list[str]:
    """secretKeyRef to documented keys of the Secret; configMapKeyRef to existing keys; every
    $(VAR) defined earlier in the same container."""
    config_maps = {
        cm["metadata"]["name"]: cm.get("data") or {} for cm in of_kind(objects, "ConfigMap")
    }
    problems = []
    for owner, template in pod_templates(objects):
        for container in containers(template):
            where = f"{name_of(owner)}/{container['name']}"
            defined: set[str] = set()
            for env in container.get("env") or []:
                source = env.get("valueFrom") or {}
                if "secretKeyRef" in source:
                    ref = source["secretKeyRef"]
                    if ref["name"] != SECRET_NAME or ref["key"] not in SECRET_KEYS:
                        problems.append(f"{where}: unknown secret {ref['name']}/{ref['key']}")
                if "configMapKeyRef" in source:
                    ref = source["configMapKeyRef"]
                    if ref["key"] not in config_maps.get(ref["name"], {}):
                        problems.append(f"{where}: unknown config {ref['name']}/{ref['key']}")
                for var in re.findall(r"\$\((\w+)\)", str(env.get("value", ""))):
                    if var not in defined:
                        problems.append(f"{where}: {env['name']} uses $({var}) before it is set")
                defined.add(env["name"])
        for volume in template["spec"].get("volumes") or []:
            if "configMap" in volume and volume["configMap"]["name"] not in config_maps:
                problems.append(f"{name_of(owner)}: volume of a missing ConfigMap")
    return problems


def check_pdbs(objects: Objects) -> list[str]:
    pdbs = list(of_kind(objects, "PodDisruptionBudget"))
    problems = []
    for deployment in of_kind(objects, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [pdb for pdb in pdbs if selects(pdb["spec"]["selector"], labels)]
        if not covering:
            problems.append(f"{name_of(deployment)}: no PodDisruptionBudget")
        for pdb in covering:
            if pdb["spec"].get("minAvailable", 0) >= deployment["spec"].get("replicas", 1):
                problems.append(f"{name_of(pdb)}: no pod of {name_of(deployment)} may leave")
    for pdb in pdbs:
        if not pods_selected(objects, pdb["spec"]["selector"]):
            problems.append(f"{name_of(pdb)}: selects no pod")
    return problems


def check_hpas(objects: Objects) -> list[str]:
    deployments = {d["metadata"]["name"]: d for d in of_kind(objects, "Deployment")}
    problems = []
    targets = set()
    for hpa in of_kind(objects, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        target = deployments.get(ref["name"])
        if ref["kind"] != "Deployment" or ref.get("apiVersion") != "apps/v1" or target is None:
            problems.append(f"{name_of(hpa)}: targets no existing Deployment")
            continue
        targets.add(ref["name"])
        if hpa["spec"].get("minReplicas", 1) < target["spec"].get("replicas", 1):
            problems.append(f"{name_of(hpa)}: minReplicas below the Deployment's replicas")
        for container in target["spec"]["template"]["spec"]["containers"]:
            if "cpu" not in (container.get("resources") or {}).get("requests", {}):
                problems.append(f"{name_of(hpa)}: CPU utilisation without a CPU request")
    for missing in sorted(AUTOSCALED - targets):
        problems.append(f"Deployment/{missing}: no HorizontalPodAutoscaler")
    return problems


def check_network_policies(objects: Objects) -> list[str]:
    problems = []
    policies = list(of_kind(objects, "NetworkPolicy"))
    if not any(
        p["spec"]["podSelector"] == {} and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        for p in policies
    ):
        problems.append("no default-deny NetworkPolicy (ingress and egress)")
    for policy in policies:
        selector = policy["spec"]["podSelector"]
        if selector and not pods_selected(objects, selector):
            problems.append(f"{name_of(policy)}: selects no pod")
        for direction, peers_key in (("ingress", "from"), ("egress", "to")):
            for rule in policy["spec"].get(direction) or []:
                for peer in rule.get(peers_key) or []:
                    outside = "namespaceSelector" in peer or "ipBlock" in peer
                    if not outside and not pods_selected(objects, peer["podSelector"]):
                        problems.append(f"{name_of(policy)}: a {direction} peer selects no pod")
    return problems


def check_exposure(objects: Objects) -> list[str]:
    """The compose networks: only the bot is reached from outside and reaches the internet;
    Rasa only from the bot; the action server only from Rasa."""
    allowed_from = {"rasa": {"bot"}, "action-server": {"rasa"}}
    problems = []
    for policy in of_kind(objects, "NetworkPolicy"):
        components = component_of(objects, policy["spec"]["podSelector"])
        for rule in policy["spec"].get("ingress") or []:
            peers = rule.get("from")
            if not peers:
                problems.append(f"{name_of(policy)}: ingress from anywhere to {components}")
                continue
            for peer in peers:
                if "namespaceSelector" in peer or "ipBlock" in peer:
                    if components - {EDGE_COMPONENT}:
                        problems.append(f"{name_of(policy)}: {components} reachable from outside")
                    continue
                sources = component_of(objects, peer["podSelector"])
                for component in components & set(allowed_from):
                    if sources - allowed_from[component]:
                        problems.append(f"{name_of(policy)}: {component} reachable from {sources}")
        for rule in policy["spec"].get("egress") or []:
            for peer in rule.get("to") or []:
                if "ipBlock" in peer and components - {EDGE_COMPONENT}:
                    problems.append(f"{name_of(policy)}: {components} may reach the internet")
            if not rule.get("to") and not rule.get("ports"):
                problems.append(f"{name_of(policy)}: egress anywhere on any port")
    return problems


def check_images(objects: Objects) -> list[str]:
    problems = []
    for owner, template in pod_templates(objects):
        for container in containers(template):
            image = container["image"]
            name, _, tag = image.rpartition(":")
            if "@sha256:" in image:
                continue
            if not name or "/" in tag or tag in {"", "latest"}:
                problems.append(f"{name_of(owner)}/{container['name']}: image {image} not pinned")
    return problems


def check_security(objects: Objects) -> list[str]:
    problems = []
    for owner, template in pod_templates(objects):
        spec = template["spec"]
        pod_context = spec.get("securityContext") or {}
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name_of(owner)}: service account token mounted")
        if (pod_context.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            problems.append(f"{name_of(owner)}: no RuntimeDefault seccomp profile")
        for container in containers(template):
            context = {**pod_context, **(container.get("securityContext") or {})}
            where = f"{name_of(owner)}/{container['name']}"
            if context.get("runAsNonRoot") is not True or context.get("runAsUser") == 0:
                problems.append(f"{where}: may run as root")
            if context.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: privilege escalation allowed")
            if context.get("privileged"):
                problems.append(f"{where}: privileged")
            if (context.get("capabilities") or {}).get("drop") != ["ALL"]:
                problems.append(f"{where}: capabilities not all dropped")
            if (context.get("capabilities") or {}).get("add"):
                problems.append(f"{where}: capabilities added")
            if context.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: writable root filesystem")
    return problems


def check_services(objects: Objects) -> list[str]:
    problems = []
    services = {s["metadata"]["name"]: s for s in of_kind(objects, "Service")}
    for service in services.values():
        matched = [
            template
            for _, template in pod_templates(objects)
            if selects({"matchLabels": service["spec"]["selector"]}, template["metadata"]["labels"])
        ]
        if not matched:
            problems.append(f"{name_of(service)}: selects no pod")
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            for template in matched:
                ports = [p for c in template["spec"]["containers"] for p in c.get("ports", [])]
                if not any(target in (p.get("name"), p["containerPort"]) for p in ports):
                    problems.append(f"{name_of(service)}: no container port {target}")
    for ingress in of_kind(objects, "Ingress"):
        if not ingress["spec"].get("tls"):
            problems.append(f"{name_of(ingress)}: no TLS")
        for rule in ingress["spec"].get("rules") or []:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                service = services.get(backend["name"])
                ports = service["spec"]["ports"] if service else []
                wanted = backend["port"].get("name", backend["port"].get("number"))
                if service is None or not any(wanted in (p.get("name"), p["port"]) for p in ports):
                    problems.append(f"{name_of(ingress)}: backend {backend} does not exist")
                elif component_of(objects, {"matchLabels": service["spec"]["selector"]}) != {
                    EDGE_COMPONENT
                }:
                    problems.append(f"{name_of(ingress)}: exposes more than the bot")
    return problems


def check_rasa_endpoints(objects: Objects) -> list[str]:
    """Rasa's endpoints file: the action server by its Service, the PostgreSQL tracker store,
    the Redis lock store, and every ${VAR} it uses set in Rasa's container."""
    problems = []
    config = find(objects, "ConfigMap", "rasa-config")["data"]
    endpoints = yaml.safe_load(config["endpoints.yml"])
    if endpoints["action_endpoint"]["url"] != ACTION_URL:
        problems.append(f"action_endpoint is not {ACTION_URL}")
    if (endpoints.get("tracker_store") or {}).get("dialect") != "postgresql":
        problems.append("the tracker store is not PostgreSQL")
    if (endpoints.get("lock_store") or {}).get("type") != "redis":
        problems.append("the lock store is not Redis")
    rasa = find(objects, "Deployment", "rebond-rasa")["spec"]["template"]["spec"]
    env = {e["name"] for c in rasa["containers"] for e in c.get("env", [])}
    for var in sorted(set(re.findall(r"\$\{(\w+)\}", config["endpoints.yml"])) - env):
        problems.append(f"endpoints.yml uses ${{{var}}}, not set in Rasa's container")
    args = rasa["containers"][0].get("args", [])
    mounted = {m["mountPath"] for c in rasa["containers"] for m in c.get("volumeMounts", [])}
    for flag, key in (("--endpoints", "endpoints.yml"), ("--credentials", "credentials.yml")):
        if flag not in args or args[args.index(flag) + 1] not in {f"{m}/{key}" for m in mounted}:
            problems.append(f"Rasa's {flag} is not the mounted {key}")
    return problems


CHECKS: dict[str, Check] = {
    "schema": check_schema,
    "namespace": check_namespace,
    "resources": check_resources,
    "probes": check_probes,
    "replicas": check_replicas,
    "no_inline_secrets": check_no_inline_secrets,
    "references": check_references,
    "pdbs": check_pdbs,
    "hpas": check_hpas,
    "network_policies": check_network_policies,
    "exposure": check_exposure,
    "images": check_images,
    "security": check_security,
    "services": check_services,
    "rasa_endpoints": check_rasa_endpoints,
}


# -- tests -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def objects() -> Objects:
    return render(BASE)


@pytest.mark.parametrize("check", CHECKS, ids=list(CHECKS))
def test_base(objects: Objects, check: str) -> None:
    assert CHECKS[check](objects) == []


def _container(objects: Objects, deployment: str) -> dict[str, Any]:
    container: dict[str, Any] = find(objects, "Deployment", deployment)["spec"]["template"]["spec"][
        "containers"
    ][0]
    return container


def _env(objects: Objects, deployment: str, name: str) -> dict[str, Any]:
    return next(e for e in _container(objects, deployment)["env"] if e["name"] == name)


def _inline(objects: Objects, deployment: str, name: str) -> None:
    env = _env(objects, deployment, name)
    env.pop("valueFrom")
    env["value"] = "s3cr3t-value"


def _policy(objects: Objects, name: str) -> dict[str, Any]:
    return find(objects, "NetworkPolicy", name)


BREAKAGES: dict[str, tuple[str, Callable[[Objects], None]]] = {
    "misspelled field": (
        "schema",
        lambda o: find(o, "Deployment", "rebond-bot")["spec"].update(replica=2),
    ),
    "wrong type": (
        "schema",
        lambda o: _container(o, "rebond-rasa")["ports"][0].update(containerPort="5005"),
    ),
    "no namespace": ("namespace", lambda o: o[1]["metadata"].pop("namespace")),
    "no limits": ("resources", lambda o: _container(o, "rebond-bot")["resources"].pop("limits")),
    "no readiness": ("probes", lambda o: _container(o, "rebond-rasa").pop("readinessProbe")),
    "one bot": (
        "replicas",
        lambda o: find(o, "Deployment", "rebond-bot")["spec"].update(replicas=1),
    ),
    "inline token": ("no_inline_secrets", lambda o: _inline(o, "rebond-rasa", "RASA_AUTH_TOKEN")),
    "password in a URL": (
        "no_inline_secrets",
        lambda o: _env(o, "rebond-bot", "DATABASE_URL").update(
            value="postgresql+psycopg://rebond:hunter2@db:5432/rebond"
        ),
    ),
    "password in endpoints": (
        "no_inline_secrets",
        lambda o: find(o, "ConfigMap", "rasa-config")["data"].update(
            {"endpoints.yml": "lock_store:\n  password: hunter2\n"}
        ),
    ),
    "undocumented secret key": (
        "references",
        lambda o: _env(o, "rebond-bot", "TELEGRAM_BOT_TOKEN")["valueFrom"]["secretKeyRef"].update(
            key="BOT_TOKEN"
        ),
    ),
    "variable used before set": (
        "references",
        lambda o: _container(o, "rebond-bot")["env"].reverse(),
    ),
    "no PDB": (
        "pdbs",
        lambda o: o.remove(find(o, "PodDisruptionBudget", "rebond-action-server")),
    ),
    "HPA on a missing Deployment": (
        "hpas",
        lambda o: find(o, "HorizontalPodAutoscaler", "rebond-rasa")["spec"][
            "scaleTargetRef"
        ].update(name="rasa"),
    ),
    "policy on no pod": (
        "network_policies",
        lambda o: _policy(o, "rebond-rasa")["spec"]["podSelector"]["matchLabels"].update(
            {"app.kubernetes.io/component": "nlu"}
        ),
    ),
    "no default deny": ("network_policies", lambda o: o.remove(_policy(o, "default-deny"))),
    "rasa on the internet": (
        "exposure",
        lambda o: _policy(o, "rebond-rasa")["spec"]["egress"].append(
            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}
        ),
    ),
    "actions reachable from the bot": (
        "exposure",
        lambda o: _policy(o, "rebond-action-server")["spec"]["ingress"][0]["from"][0][
            "podSelector"
        ]["matchLabels"].update({"app.kubernetes.io/component": "bot"}),
    ),
    "latest image": ("images", lambda o: _container(o, "rebond-bot").update(image="app:latest")),
    "untagged image": ("images", lambda o: _container(o, "rebond-bot").update(image="app")),
    "privilege escalation": (
        "security",
        lambda o: _container(o, "rebond-bot")["securityContext"].update(
            allowPrivilegeEscalation=True
        ),
    ),
    "service account token": (
        "security",
        lambda o: find(o, "Job", "rebond-migrate")["spec"]["template"]["spec"].pop(
            "automountServiceAccountToken"
        ),
    ),
    "service selects nothing": (
        "services",
        lambda o: find(o, "Service", "rebond-rasa")["spec"]["selector"].update(
            {"app.kubernetes.io/component": "nlu"}
        ),
    ),
    "ingress to rasa": (
        "services",
        lambda o: find(o, "Ingress", "rebond-webhook")["spec"]["rules"][0]["http"]["paths"][0][
            "backend"
        ]["service"].update(name="rebond-rasa", port={"name": "http"}),
    ),
    "action server by the wrong name": (
        "rasa_endpoints",
        lambda o: find(o, "ConfigMap", "rasa-config")["data"].update(
            {
                "endpoints.yml": find(o, "ConfigMap", "rasa-config")["data"][
                    "endpoints.yml"
                ].replace("rebond-action-server", "action-server")
            }
        ),
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_check_detects_breakage(objects: Objects, breakage: str) -> None:
    check, breaking = BREAKAGES[breakage]
    broken = copy.deepcopy(objects)
    breaking(broken)
    assert CHECKS[check](broken), f"check_{check} missed: {breakage}"


def test_secret_keys_documented() -> None:
    readme = (BASE / "README.md").read_text(encoding="utf-8")
    assert [key for key in sorted(SECRET_KEYS) if key not in readme] == []


def _identity(obj: dict[str, Any]) -> tuple[str, str, str]:
    return (obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="no kubectl to compare with")
def test_renderer_matches_kubectl_kustomize(objects: Objects) -> None:
    result = subprocess.run(
        ["kubectl", "kustomize", str(BASE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    theirs = sorted(yaml.safe_load_all(result.stdout), key=_identity)
    assert sorted(objects, key=_identity) == theirs


def test_renderer_refuses_what_it_does_not_implement(tmp_path: Path) -> None:
    from devtools.k8s_render import RenderError

    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "commonLabels: {a: b}\nresources: []\n"
    )
    with pytest.raises(RenderError, match="commonLabels"):
        render(tmp_path)
