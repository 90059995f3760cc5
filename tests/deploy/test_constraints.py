"""constraints.txt pins every package a fresh machine, CI and the image install, and still satisfies
pyproject.toml: a dependency added without re-pinning, or a pin outside its range, fails here."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.manifests import ROOT


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"not an exact pin: {line}"
            pins[canonicalize_name(name)] = pinned
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]


def test_every_dependency_is_pinned_within_its_range():
    pins = _pins()
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in constraints.txt: run make constraints"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} is not {req}"


def test_the_installed_dependencies_are_the_pinned_ones():
    pins = _pins()
    for req in _requirements():
        installed = re.sub(r"\+.*$", "", version(req.name))  # torch's local label: 2.13.0+cpu
        assert installed == pins[canonicalize_name(req.name)], f"{req.name} {installed} installed"


def test_make_and_the_image_install_with_the_constraints():
    assert "-c constraints.txt -e" in (ROOT / "Makefile").read_text()
    assert "pip install -c constraints.txt ." in (ROOT / "deploy" / "Dockerfile").read_text()
