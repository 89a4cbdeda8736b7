"""The lock files the README's commands install from agree with pyproject.toml's ranges.

A dependency added to pyproject.toml but not to the lock files would be missing on every
fresh install (pip installs Neuvo itself with --no-deps), so the lock must be refreshed.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.paths import ROOT

PINNED = re.compile(r"^([A-Za-z0-9_.\-\[\],]+)==([^\s;\\]+)", re.M)


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return {canonicalize_name(n.split("[")[0]): v for n, v in PINNED.findall(text)}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize(("lock", "requirements"), [
    ("requirements.lock", PROJECT["dependencies"]),
    ("requirements-test.lock", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]),
])
def test_every_dependency_is_pinned_within_its_range(lock: str, requirements: list[str]) -> None:
    pinned = pins(lock)
    for line in requirements:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is not in {lock}: refresh it as the README says"
        assert req.specifier.contains(pinned[name], prereleases=True), (
            f"{lock} pins {req.name}=={pinned[name]}, outside {req.specifier}")


def test_every_pin_carries_a_hash() -> None:
    for lock in ("requirements.lock", "requirements-test.lock"):
        blocks = re.split(r"\n(?=\S)", (ROOT / lock).read_text(encoding="utf-8"))
        for block in blocks:
            if PINNED.match(block):
                assert "--hash=sha256:" in block, block.splitlines()[0]
