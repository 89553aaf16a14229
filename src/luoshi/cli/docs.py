"""`luoshi docs`: add policy documents, review the commitments extracted from them, compare targets
with outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from luoshi.cli.render import console, emit

app = typer.Typer(help="Policy documents: extract quantified commitments, review them, targets vs outcomes.",
                  no_args_is_help=True)


def workspace():
    from luoshi.cli.main import workspace as open_workspace  # late: main imports this module

    return open_workspace()


@app.command("add")
def add(file: Path,
        title: Optional[str] = typer.Option(None, help="document title (default: file name)"),
        date: Optional[str] = typer.Option(None, help="document date YYYY-MM-DD (anchors 'this year')"),
        issuer: Optional[str] = typer.Option(None, help="region code of the issuer, e.g. 440000"),
        kind: Optional[str] = typer.Option(None, help="speech | work-report | communique | plan | news"),
        no_extract: bool = typer.Option(False, "--no-extract", help="store only; extract later"),
        as_json: bool = typer.Option(False, "--json")):
    """Add a .txt, .md, .html, .pdf or .docx document and extract its commitments."""
    ws = workspace()
    emit(ws.documents.add(file, title=title, doc_date=date, issuer=issuer, kind=kind, extract=not no_extract),
         as_json=as_json, title="document")


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")):
    """List stored documents."""
    emit(workspace().documents.documents(), as_json=as_json, title="documents")


@app.command("extract")
def extract(doc: int, as_json: bool = typer.Option(False, "--json")):
    """Extract a document again (unreviewed proposals are replaced)."""
    emit({"did": doc, "commitments": workspace().documents.extract(doc)}, as_json=as_json)


@app.command("commitments")
def commitments(doc: Optional[int] = typer.Option(None, "--doc", help="only this document"),
                status: Optional[str] = typer.Option(None, help="proposed | accepted | edited | rejected"),
                as_json: bool = typer.Option(False, "--json")):
    """List extracted commitments with their sentence and fields."""
    rows = workspace().documents.commitments(doc, status)
    if as_json:
        emit(rows, as_json=True)
        return
    from rich.text import Text

    if not rows:
        console.print("no commitments")
    for r in rows:  # one block each: it reads in a terminal of 80 columns as in a wide one
        value = r["spans"].get("value", {})
        amount = " ".join(x for x in (value.get("text"), f"({r['unit']}, {r['comparator']})" if r["unit"] else None)
                          if x)
        fields = [f"doc {r['did']}", r["class"], r["status"], amount, r["period"], r["scope"], r["indicator"],
                  r["plan_node"]]
        head = Text(f"#{r['cid']} ", style="bold")
        head.append(" · ".join(str(f) for f in fields if f))
        console.print(head)
        sentence = Text("   " + r["sentence"]["text"])
        if value.get("in_sentence"):
            a, b = value["in_sentence"]
            sentence.stylize("bold yellow", a + 3, b + 3)
        console.print(sentence)


@app.command("accept")
def accept(ids: list[int], by: Optional[str] = typer.Option(None, help="reviewer"),
           as_json: bool = typer.Option(False, "--json")):
    """Accept commitments: each becomes a target, a task or an outcome observation, with provenance."""
    ws = workspace()
    emit([ws.documents.accept(cid, by=by) for cid in ids], as_json=as_json, title="accepted")


@app.command("reject")
def reject(ids: list[int], by: Optional[str] = typer.Option(None), note: Optional[str] = typer.Option(None),
           as_json: bool = typer.Option(False, "--json")):
    """Reject commitments (kept, marked rejected)."""
    ws = workspace()
    out = [ws.documents.reject(cid, by=by, note=note) for cid in ids]
    emit([{"cid": r["cid"], "status": r["status"]} for r in out], as_json=as_json, title="rejected")


@app.command("edit")
def edit(cid: int,
         cls: Optional[str] = typer.Option(None, "--class", help="target | task | outcome"),
         value: Optional[float] = typer.Option(None), value_high: Optional[float] = typer.Option(None),
         unit: Optional[str] = typer.Option(None), comparator: Optional[str] = typer.Option(None),
         strength: Optional[str] = typer.Option(None), year: Optional[str] = typer.Option(None),
         scope: Optional[str] = typer.Option(None), indicator: Optional[str] = typer.Option(None),
         node: Optional[str] = typer.Option(None), by: Optional[str] = typer.Option(None),
         as_json: bool = typer.Option(False, "--json")):
    """Correct fields of a commitment before accepting it."""
    fields = {"class": cls, "value": value, "value_high": value_high, "unit": unit, "comparator": comparator,
              "strength": strength, "period": year, "scope": scope, "indicator": indicator, "plan_node": node}
    emit(workspace().documents.edit(cid, by=by, **fields), as_json=as_json)


OUTCOME_COLUMNS = ("year", "region", "indicator", "comparator", "target", "outcome", "attainment", "met", "basis")


@app.command("outcomes")
def outcomes(as_json: bool = typer.Option(False, "--json")):
    """Targets stated in documents against their outcomes, met or not (the rows of /outcomes)."""
    rows = workspace().documents.outcomes()
    emit(rows if as_json else [{k: r[k] for k in OUTCOME_COLUMNS} for r in rows], as_json=as_json,
         title="targets vs outcomes")
