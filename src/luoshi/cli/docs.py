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
    from rich.table import Table
    t = Table(title="commitments")
    for col in ("id", "doc", "class", "status", "value", "unit", "cmp", "year", "scope", "indicator", "node",
                "sentence"):
        t.add_column(col)
    for r in rows:
        v = r["spans"].get("value", {}).get("text", "")
        sent = r["sentence"]["text"]
        if v:
            sent = sent.replace(v, f"[bold yellow]{v}[/]", 1)
        t.add_row(str(r["cid"]), str(r["did"]), r["class"], r["status"], v, r["unit"] or "", r["comparator"] or "",
                  r["period"] or "", r["scope"] or "", r["indicator"] or "", r["plan_node"] or "",
                  sent[:160])
    console.print(t)


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
