"""docs/errors.md generated from the error catalogue (``python -m luoshi.domain.errors_doc``)."""

from __future__ import annotations

import sys
from pathlib import Path

from luoshi.domain.problems import CATALOGUE


def render() -> str:
    lines = ["# Error codes", "", "Generated from `luoshi.domain.problems.CATALOGUE`; do not edit by hand.", "",
             "| code | severity | title | message (en) | message (zh) |", "|---|---|---|---|---|"]
    for code in sorted(CATALOGUE):
        e = CATALOGUE[code]
        cells = [f"`{code}`", e.severity, e.title, e.en, e.zh]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/errors.md")
    out.write_text(render(), encoding="utf-8")
