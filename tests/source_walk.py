"""The calls in src/ that build a catalogue problem: ``Refusal("code", ...)``, ``report.add("code",
...)`` and ``problem("code", ...)``, with the keyword names each passes (a ``**params`` unpack is
resolved: a helper such as ``one_of(...)`` or a constant such as ``tables.NOT_TEXT`` is evaluated)."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "luoshi"


@dataclass
class Call:
    where: str                     # file:line under src/luoshi
    kind: str                      # Refusal, add or problem
    code: str
    keywords: dict[str, ast.expr]  # name -> expression (an unpacked name: its dict's value, unparsed)
    node: ast.Call
    exception_names: set[str]      # names bound by the except clauses around the call


def _unpacked(module, value: ast.expr) -> set[str]:
    """The keys a ``**value`` passes, found by evaluating the helper (on a stand-in argument) or
    the constant."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return set(getattr(module, value.func.id)("x"))
    if isinstance(value, ast.Name):
        return set(getattr(module, value.id))
    raise AssertionError(f"cannot see what **{ast.unparse(value)} passes")


def problem_calls(kinds=("Refusal", "add", "problem")) -> Iterator[Call]:
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        around: dict[int, set[str]] = {}
        for h in ast.walk(tree):
            if isinstance(h, ast.ExceptHandler) and h.name:
                for n in ast.walk(h):
                    around.setdefault(id(n), set()).add(h.name)
        module = None
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            fn = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if fn not in kinds or not isinstance(node.args[0].value, str):
                continue
            keywords: dict[str, ast.expr] = {}
            for k in node.keywords:
                if k.arg is not None:
                    keywords[k.arg] = k.value
                    continue
                if module is None:
                    module = importlib.import_module("luoshi." + ".".join(rel.with_suffix("").parts))
                for name in _unpacked(module, k.value):
                    keywords[name] = ast.Constant("(unpacked)")
            yield Call(f"{rel}:{node.lineno}", fn, node.args[0].value, keywords, node, around.get(id(node), set()))
