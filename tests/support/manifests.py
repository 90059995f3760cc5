"""Readers for the files under deploy/ and the check that an ``UPSKILL_*`` name is a real setting.

pydantic-settings ignores unknown variables (``extra="ignore"``), so a typo such as
``UPSKILL_KAFKA__BOOTSTRAP_SERVER`` would silently leave the default in place in production; these
helpers let the tests catch it before a deploy does.
"""

from __future__ import annotations

import re
import shlex
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"

PREFIX = "UPSKILL_"
DELIMITER = "__"
_ENV_NAME = re.compile(r"\bUPSKILL_[A-Za-z0-9_]+")
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``X``, ``X | None``), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [m for m in map(_model_of, typing.get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    return None


def setting_path(name: str, model: type[BaseModel] = Settings) -> str | None:
    """The dotted field an environment variable sets (``UPSKILL_KAFKA__PARTITIONS`` -> ``kafka.partitions``).

    Walks ``model_fields`` the way pydantic-settings does with ``env_nested_delimiter="__"``. A name that
    stops at a nested model (``UPSKILL_KAFKA`` with a JSON value) is valid too.

    Returns:
        The dotted path, or None when the name does not reach a field (a typo, or no such setting).
    """
    if not name.upper().startswith(PREFIX) or name.upper() == PREFIX:
        return None
    current: type[BaseModel] | None = model
    path: list[str] = []
    for part in name[len(PREFIX) :].lower().split(DELIMITER):
        field = current.model_fields.get(part) if current is not None else None
        if field is None:
            return None
        path.append(part)
        current = _model_of(field.annotation)
    return ".".join(path)


def env_names_in(text: str) -> set[str]:
    """Every ``UPSKILL_*`` name written in a text."""
    return set(_ENV_NAME.findall(text))


def deploy_text_files() -> list[Path]:
    """Every text file under deploy/ (manifests, Dockerfile, README, scripts)."""
    return sorted(p for p in DEPLOY.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def load_docs(path: Path) -> list[dict[str, Any]]:
    """The YAML documents of a file (empty documents dropped)."""
    with path.open(encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """A compose value with ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}`` replaced from env.

    Raises:
        KeyError: a ``${VAR:?...}`` / ``${VAR?...}`` variable is not set (compose refuses to start).
    """
    if not isinstance(value, str):
        return value

    def _sub(m: re.Match[str]) -> str:
        name, op, arg = m["name"], m["op"] or "", m["arg"] or ""
        present = name in env and (env[name] != "" or not op.startswith(":"))
        if present:
            return env[name]
        if op.endswith("?"):
            raise KeyError(f"{name} is required: {arg}")
        return arg if op.endswith("-") else ""

    return _INTERPOLATION.sub(_sub, value)


def environment(service: dict[str, Any], env: dict[str, str]) -> dict[str, str]:
    """A compose service's environment (map or list form), interpolated, values as strings."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {k: str(interpolate(v, env)) for k, v in raw.items()}


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    args: str
    stage: int


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """The instructions of a Dockerfile in order; ``stage`` counts FROMs (0 = first stage)."""
    out: list[Instruction] = []
    stage, buffer = -1, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue
        buffer += " " + stripped[:-1] if stripped.endswith("\\") else " " + stripped
        if stripped.endswith("\\"):
            continue
        keyword, _, args = buffer.strip().partition(" ")
        stage += keyword.upper() == "FROM"
        out.append(Instruction(keyword.upper(), args.strip(), stage))
        buffer = ""
    return out


def dockerfile_args(instructions: list[Instruction]) -> dict[str, str]:
    """Default values of the Dockerfile's ARGs."""
    out: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ARG" and "=" in ins.args:
            key, _, value = ins.args.partition("=")
            out[key] = value
    return out


def dockerfile_env(instructions: list[Instruction]) -> dict[str, str]:
    """The ENV pairs of the Dockerfile's last stage (``ENV A=1 B=2`` form)."""
    last = max(i.stage for i in instructions)
    out: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ENV" and ins.stage == last:
            out.update(pair.split("=", 1) for pair in shlex.split(ins.args))
    return out
