"""Real public source documents for the demo: a few English reports on the 1310 deployment, added
to a workspace and extracted, so that the document pages have something true to review.

The texts and their sources are listed in ``data/documents/manifest.json`` (copies of shared/seeds,
as in tests/data/extraction/docs).  Proposals are left for a reviewer: nothing is accepted here."""

from __future__ import annotations

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "documents"


def manifest() -> list[dict]:
    """Title, date, issuer, kind and source URL of each bundled document."""
    return json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))


def load_demo_documents(ws, by: str = "luoshi-demo") -> dict:
    """Add and extract the bundled documents (a document already stored is not added twice)."""
    added = duplicates = commitments = 0
    for m in manifest():
        out = ws.documents.add(FOLDER / m["file"], title=m["title"], doc_date=m["date"], issuer=m["issuer"],
                               kind=m["kind"], by=by)
        duplicates += out["duplicate"]
        added += not out["duplicate"]
        commitments += 0 if out["duplicate"] else out["commitments"]
    return {"documents": added, "documents_already_stored": duplicates, "commitments_proposed": commitments}
