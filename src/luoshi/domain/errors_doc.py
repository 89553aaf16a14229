"""docs/errors.md generated from the error catalogue (``python -m luoshi.domain.errors_doc``)."""

from __future__ import annotations

import sys
from pathlib import Path

from luoshi.domain.problems import CATALOGUE, DETAIL_ZH


def render() -> str:
    lines = ["# Error codes", "", "Generated from `luoshi.domain.problems.CATALOGUE`; do not edit by hand.",
             "A data problem in a file or form is reported with one of these codes; a refused request (web or CLI)",
             "answers with one of them too.  Text in [brackets] is added when the caller knows it.",
             "A Chinese template's `{x_zh}` is the Chinese of parameter `x`, given by the caller that writes",
             f"the text; a free English `{{detail}}` (an exception's text) is `{DETAIL_ZH}` in Chinese.", "",
             "| code | severity | title | message (en) | message (zh) |", "|---|---|---|---|---|"]
    for code in sorted(CATALOGUE):
        e = CATALOGUE[code]
        hint_en, hint_zh = (f"[{h}]" if h else "" for h in (e.hint_en, e.hint_zh))
        cells = [f"`{code}`", e.severity, e.title, e.en + hint_en, e.zh + hint_zh]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/errors.md")
    out.write_text(render(), encoding="utf-8")
