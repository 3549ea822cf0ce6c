"""The image gets every module the package is made of: the Dockerfile copies, and
.dockerignore lets through, each top-level module and package pyproject.toml names (a module
added to one and not the other builds a wheel that cannot start)."""

from __future__ import annotations

import re
import tomllib

from tests.harness.processes import ROOT

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]
MODULES = [f"{module}.py" for module in SETUPTOOLS["py-modules"]]
PACKAGES = [name.rstrip("*") for name in SETUPTOOLS["packages"]["find"]["include"]]


def test_the_dockerfile_copies_every_module_and_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = {
        source.rstrip("/")
        for line in re.findall(r"^COPY (?!--from)(.+)$", dockerfile, re.M)
        for source in line.split()[:-1]
    }
    assert set(MODULES) | set(PACKAGES) <= copied, set(MODULES) | set(PACKAGES) - copied


def test_dockerignore_lets_them_through() -> None:
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    assert set(MODULES) | set(PACKAGES) <= allowed, set(MODULES) | set(PACKAGES) - allowed
