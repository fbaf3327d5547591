"""Render the Kustomize base deploy/k8s/ without kubectl: the few features it uses, no more.

Usage::

    python -m devtools.k8s_render [DIR]      # prints the rendered objects as YAML

``kubectl kustomize DIR`` gives the same objects (the order may differ): tests/unit/test_k8s.py
compares the two wherever a kubectl is installed. Supported, and checked to be all that the
kustomization uses (anything else is refused, so this never renders a base differently from
Kustomize without saying so):

- ``resources``: local YAML files, in order, each holding one or more documents;
- ``namespace``: set on every namespaced object, and, as Kustomize does, given as the name of
  a ``Namespace`` object of the base.

Like Kustomize, two objects with the same kind, namespace and name are an error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "deploy" / "k8s"

SUPPORTED_FIELDS = frozenset({"apiVersion", "kind", "namespace", "resources"})
CLUSTER_SCOPED = frozenset({"Namespace"})
NAMESPACED = frozenset(
    {
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Ingress",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
    }
)


class RenderError(Exception):
    """The kustomization uses something this renderer does not implement, or is invalid."""


def load_kustomization(directory: Path) -> dict[str, Any]:
    path = directory / "kustomization.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise RenderError(f"{path}: not a mapping")
    if data.get("kind") != "Kustomization":
        raise RenderError(f"{path}: kind is not Kustomization")
    unsupported = sorted(set(data) - SUPPORTED_FIELDS)
    if unsupported:
        raise RenderError(f"{path}: unsupported fields {unsupported} (use kubectl kustomize)")
    return data


def _resource_path(directory: Path, entry: Any) -> Path:
    if not isinstance(entry, str) or "://" in entry or entry.startswith("/"):
        raise RenderError(f"resource {entry!r}: only relative file paths are supported")
    path = (directory / entry).resolve()
    if not path.is_relative_to(directory.resolve()):
        raise RenderError(f"resource {entry!r}: outside the base")
    if not path.is_file():
        raise RenderError(f"resource {entry!r}: not a file (directories are not supported)")
    return path


def render(directory: Path = BASE) -> list[dict[str, Any]]:
    """The objects of the base, in the order of ``resources`` and of the documents."""
    kustomization = load_kustomization(directory)
    namespace = kustomization.get("namespace")
    objects: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None, str]] = set()
    for entry in kustomization.get("resources") or []:
        path = _resource_path(directory, entry)
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document is None:
                continue
            if not isinstance(document, dict) or "kind" not in document:
                raise RenderError(f"{entry}: a document is not a Kubernetes object")
            kind = document["kind"]
            metadata = document.setdefault("metadata", {})
            if kind in CLUSTER_SCOPED:
                if namespace and kind == "Namespace":
                    metadata["name"] = namespace
            elif kind in NAMESPACED:
                if namespace:
                    metadata["namespace"] = namespace
            else:
                raise RenderError(f"{entry}: kind {kind} is not known to be namespaced or not")
            key = (kind, metadata.get("namespace"), metadata.get("name", ""))
            if key in seen:
                raise RenderError(f"{entry}: duplicate {kind} {key[2]!r}")
            seen.add(key)
            objects.append(document)
    return objects


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=BASE)
    args = parser.parse_args(argv)
    try:
        objects = render(args.directory)
    except (RenderError, OSError, yaml.YAMLError) as error:
        print(f"k8s_render: {error}", file=sys.stderr)
        return 1
    yaml.safe_dump_all(objects, sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
