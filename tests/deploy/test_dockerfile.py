"""deploy/Dockerfile: torch (CPU) before the project, model loaded at build, non-root, upskill worker."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib

import pytest

from tests.support.manifests import DOCKERFILE, ROOT, dockerfile_args, dockerfile_instructions


@pytest.fixture(scope="module")
def instructions():
    return dockerfile_instructions()


@pytest.fixture(scope="module")
def final(instructions):
    last = max(i.stage for i in instructions)
    return [i for i in instructions if i.stage == last]


def _expand(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: args.get(m[1], m[0]), text)


def test_base_image_is_python_311_slim(instructions):
    args = dockerfile_args(instructions)
    bases = [_expand(i.args.split()[0], args) for i in instructions if i.keyword == "FROM"]
    assert bases and all(b == "python:3.11-slim" for b in bases)


def test_torch_cpu_is_installed_before_the_project(instructions):
    args = dockerfile_args(instructions)
    runs = [_expand(i.args, args) for i in instructions if i.keyword == "RUN"]
    torch = next(n for n, r in enumerate(runs) if "torch==" in r and "pip install" in r)
    project = next(n for n, r in enumerate(runs) if re.search(r"pip install -c constraints\.txt \.(\s|$)", r))
    assert torch < project
    assert "torch==2.13.0" in runs[torch]
    assert "download.pytorch.org/whl/cpu" in runs[torch]


def test_model_is_loaded_at_build_time_as_the_runtime_user(final):
    user_at = next(n for n, i in enumerate(final) if i.keyword == "USER")
    check = next(n for n, i in enumerate(final) if i.keyword == "RUN" and "upskill recommend" in i.args)
    assert user_at < check, "the build-time load must run as the user that owns the cache"
    assert 'assert r["items"]' in final[check].args


def test_runs_as_non_root_with_upskill_worker_by_default(final):
    users = [i.args for i in final if i.keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert json.loads(next(i.args for i in final if i.keyword == "ENTRYPOINT")) == ["upskill"]
    assert json.loads(next(i.args for i in final if i.keyword == "CMD")) == ["worker"]


def test_healthcheck_runs_a_script_that_is_copied_in(final):
    health = next(i.args for i in final if i.keyword == "HEALTHCHECK")
    script = json.loads(health.split("CMD", 1)[1])[-1]
    copies = [i.args.split() for i in final if i.keyword == "COPY"]
    source = next(parts[-2] for parts in copies if parts[-1] == script)
    assert (ROOT / source).is_file()


def _dockerignore_keeps(path: str) -> bool:
    """Whether the root .dockerignore lets a path into the build context (last matching rule wins)."""
    kept = True
    for rule in (ROOT / ".dockerignore").read_text().splitlines():
        rule = rule.strip()
        if not rule or rule.startswith("#"):
            continue
        negate, pattern = rule.startswith("!"), rule.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(fnmatch.fnmatch(p, pattern) for p in prefixes):
            kept = negate
    return kept


def test_build_context_has_every_package_and_nothing_local():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    for path in ["pyproject.toml", "constraints.txt", "deploy/healthcheck.py", *(f"{p}/__init__.py" for p in packages)]:
        assert _dockerignore_keeps(path), f".dockerignore drops {path}"
    local = [".venv/bin/python", ".git/HEAD", ".upskill/upskill.db", "tests/conftest.py", "upskill/__pycache__/x.pyc"]
    for path in local:
        assert not _dockerignore_keeps(path), f".dockerignore lets {path} in"


def test_dockerfile_is_where_compose_builds_it():
    assert DOCKERFILE.is_file()
