"""`luoshi regions`: list regions and the recorded changes; record a merge or a split on a date
(docs/regions-format.md)."""

from __future__ import annotations

from typing import Optional

import typer

from luoshi.cli.render import emit

app = typer.Typer(help="Regions: list them and their changes; record a merge or a split (docs/regions-format.md).",
                  no_args_is_help=True)

DATE_HELP = "the first day of the new regions (YYYY-MM-DD); the retired ones' last day is the day before"
NOTE_HELP = "a note kept with the change (the approving document, say)"


def _main():
    from luoshi.cli import main  # late: main imports this module

    return main


def _codes(values: list[str] | None) -> list[str]:
    """Codes from a repeated option, each also allowed to hold several separated by commas."""
    return [c.strip() for v in values or [] for c in v.split(",") if c.strip()]


def _new(code: str, name_zh: str | None, name_en: str | None, parent: str | None, level: str | None) -> dict:
    return {k: v for k, v in (("code", code), ("name_zh", name_zh), ("name_en", name_en), ("parent", parent),
                              ("level", level)) if v}


def _moves(values: list[str] | None) -> dict:
    out = {}
    for v in values or []:
        child, _, parent = v.partition("=")
        out[child.strip()] = parent.strip()
    return out


def _change(kind: str, **kw) -> None:
    main = _main()
    as_json = kw.pop("as_json")
    out = main.workspace().change_regions(kind=kind, **kw)
    if not as_json:  # one line a field: lists as codes separated by commas
        problems = out.pop("problems")
        out = {k: ",".join(f"{a}={b}" for a, b in v.items()) if isinstance(v, dict) else
               ",".join(v) if isinstance(v, list) else v for k, v in out.items()}
        for p in problems:
            out[p["code"]] = p["message"]
    emit(out, as_json=as_json, title=f"{kind} of regions")


@app.command("list")
def list_regions(at: Optional[str] = typer.Option(None, help="the regions valid on this day (default: today)"),
                 retired: bool = typer.Option(False, "--all", help="every region ever loaded, retired ones too, "
                                              "with what each retired one became"),
                 down_to: str = typer.Option("county", "--down-to", help="the deepest level listed: province, "
                                             "city, county, town or village (the bundled data hold some 28,000 "
                                             "towns and villages)"),
                 as_json: bool = typer.Option(False, "--json")):
    """Regions with their parent, level and validity (valid_to is the last day valid)."""
    main = _main()
    ws = main.workspace()
    emit(ws.regions(main.parse_date(at) or ws.today, retired=retired, down_to=down_to), as_json=as_json,
         title="regions")


@app.command("events")
def events(region: Optional[str] = typer.Option(None, help="only the changes this region took part in"),
           as_json: bool = typer.Option(False, "--json")):
    """The recorded merges and splits: date, kind, the regions that went in and those that came out."""
    main = _main()
    rows = main.workspace().region_events(region)
    if not as_json:
        rows = [r | {"from_codes": ",".join(r["from_codes"]), "to_codes": ",".join(r["to_codes"])} for r in rows]
    emit(rows, as_json=as_json, title="region changes")


@app.command("merge")
def merge(date: str = typer.Option(..., help=DATE_HELP),
          from_: list[str] = typer.Option(..., "--from", help="a region merged (repeat, or separate by commas)"),
          into: str = typer.Option(..., help="the region they form: an existing one, which continues, or a new "
                                   "code (then give --name-zh and --name-en)"),
          name_zh: Optional[str] = typer.Option(None, help="Chinese name of a new region"),
          name_en: Optional[str] = typer.Option(None, help="English name of a new region"),
          parent: Optional[str] = typer.Option(None, help="parent of a new region (default: that of the first --from)"),
          level: Optional[str] = typer.Option(None, help="level of a new region (default: that of the first --from)"),
          note: Optional[str] = typer.Option(None, help=NOTE_HELP),
          source: Optional[str] = typer.Option(None, help="where the change is published"),
          dry_run: bool = typer.Option(False, "--dry-run", help="check only, change nothing"),
          as_json: bool = typer.Option(False, "--json")):
    """Merge regions into one on a date; their children move to it, their history stays theirs."""
    target = _new(into, name_zh, name_en, parent, level) if (name_zh or name_en) else into
    _change("merge", date=date, from_codes=_codes(from_), into=[target], note=note, source=source, dry_run=dry_run,
            as_json=as_json)


@app.command("split")
def split(date: str = typer.Option(..., help=DATE_HELP),
          from_: str = typer.Option(..., "--from", help="the region split"),
          into: list[str] = typer.Option(..., help="a region it becomes (repeat): CODE of an existing one, which "
                                         "continues (the split region itself, if it stays), or "
                                         "'CODE,名称,English name' of a new one"),
          parent: Optional[str] = typer.Option(None, help="parent of the new regions (default: that of --from)"),
          level: Optional[str] = typer.Option(None, help="level of the new regions (default: that of --from)"),
          move: Optional[list[str]] = typer.Option(None, help="CHILD=REGION: where a child of a retired region goes "
                                                   "(repeat; needed when it becomes several)"),
          note: Optional[str] = typer.Option(None, help=NOTE_HELP),
          source: Optional[str] = typer.Option(None, help="where the change is published"),
          dry_run: bool = typer.Option(False, "--dry-run", help="check only, change nothing"),
          as_json: bool = typer.Option(False, "--json")):
    """Split a region into several on a date; a retired region's history stays its own."""
    targets = []
    for spec in into:
        code, *names = [p.strip() for p in spec.split(",", 2)]
        targets.append(_new(code, *(names + [None, None])[:2], parent, level) if names else code)
    _change("split", date=date, from_codes=[from_.strip()], into=targets, moves=_moves(move), note=note,
            source=source, dry_run=dry_run, as_json=as_json)
