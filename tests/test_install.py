"""Installs that stay true: every dependency has a range with an upper bound, constraints.txt pins a
version inside it, and every install target of the Makefile (so `make demo`, `make test` and CI)
installs the pinned versions."""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        found += [Requirement(r) for r in extra]
    return found


def pins() -> dict[str, Version]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not NAME==VERSION"
            out[canonicalize_name(name)] = Version(version)
    return out


def test_every_dependency_has_a_tested_range_with_an_upper_bound():
    pinned = pins()
    for req in requirements():
        ops = {s.operator for s in req.specifier}
        assert ">=" in ops and "<" in ops, f"{req}: give it a range >=TESTED,<NEXT-MAJOR"
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pinned[name]), f"{req.name}=={pinned[name]} is outside {req.specifier}"


def test_the_upper_bound_is_the_next_major_version():
    # 3.1.6 -> <4; a 0.x package may break in a minor release: 0.29.2 -> <0.30, 0.0.34 -> <0.1
    for req in requirements():
        lower = Version(next(s.version for s in req.specifier if s.operator == ">="))
        upper = Version(next(s.version for s in req.specifier if s.operator == "<"))
        expected = Version(f"{lower.major + 1}") if lower.major else Version(f"0.{lower.minor + 1}")
        assert upper == expected, f"{req}: upper bound {upper}, expected {expected}"


def test_every_install_target_uses_the_constraints():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^CONSTRAINTS\s*=\s*constraints\.txt$", makefile, re.M)
    installs = [line for line in makefile.splitlines() if re.search(r"pip install\b.*-e ", line)]
    held = [line for line in installs if "-c $(CONSTRAINTS)" in line]
    # only `make lock` moves to newer versions (and then pins what the suite passed with)
    assert len(installs) == len(held) + 1 and len(held) == 3, installs  # install, install-test, spark
    assert "install-test" in re.search(r"^test:(.*)$", makefile, re.M).group(1)
    assert re.search(r"^demo: install$", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# What `make demo` installs (the runtime dependencies) must be enough to serve: the front process once
# imported httpx, a test dependency, and the demo of a fresh clone stopped at `luoshi serve`.
RUNTIME_ONLY = """
import importlib.abc, sys
blocked = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"{name} is not a runtime dependency", name=name)
        return None
sys.meta_path.insert(0, Block())
import luoshi.cli.main, luoshi.web.app, luoshi.web.front, luoshi.workspace
print("ok")
"""


def _closure(names: set[str]) -> set[str]:
    """The installed distributions that ``names`` need, themselves included (no extras)."""
    seen, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        for r in map(Requirement, requires):
            if r.marker is None or r.marker.evaluate({"extra": ""}):
                todo.append(r.name)
    return seen


def test_serving_needs_only_the_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _closure({Requirement(r).name for r in project["dependencies"]})
    extras = {canonicalize_name(Requirement(r).name) for rs in project["optional-dependencies"].values() for r in rs}
    only_extra = _closure(extras) - runtime
    modules = sorted({m for m, dists in md.packages_distributions().items()
                      if {canonicalize_name(d) for d in dists} <= only_extra and m.isidentifier()})
    assert "pytest" in modules and "duckdb" not in modules  # the test would be empty otherwise
    done = subprocess.run([sys.executable, "-c", RUNTIME_ONLY, ",".join(modules)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
