"""Evidence attachments of progress reports: stored in the workspace under their SHA-256,
with size and type limits.  The name says which types are allowed; the content must be of that type
(ingest/sniff.py: a .pdf holding a web page or a program is refused), and a workbook or Word
document must pass the ZIP checks of ingest/archive.py, so that no one downloads a bomb."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from luoshi.domain.problems import InputError, Refusal, Report
from luoshi.domain.roles import Actor
from luoshi.ingest.archive import check_zip
from luoshi.ingest.limits import Limits
from luoshi.ingest.sniff import matches
from luoshi.services.task_flow import audit, get_task, now, require_lead
from luoshi.store.db import Database

TYPES = {  # suffix: (media type, kind of content, ingest/sniff.py)
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def evidence_dir(db_path: str) -> Path:
    """Where a workspace keeps its files: next to the DuckDB file."""
    return Path(db_path).with_name(Path(db_path).name + ".files") / "evidence"


def check(upload: Upload, report: Report, limits: Limits | None = None) -> str | None:
    """The media type of an acceptable upload, or None after adding problems to ``report``;
    ``limits``: the workspace's (default: the settings' defaults)."""
    limits = limits or Limits.default("evidence_max_mb")
    suffix = Path(upload.filename).suffix.lower()
    kind = TYPES.get(suffix)
    if kind is None:
        report.add("file-type-not-allowed", field="evidence", value=upload.filename, media_type=suffix or "none",
                   allowed=", ".join(sorted(TYPES)))
        return None
    media, content = kind
    where = {"field": "evidence", "value": upload.filename}
    if not (limits.file_fits(len(upload.content), report, "file-too-large", **where)
            and matches(upload.filename, upload.content, {content}, report, field="evidence")):
        return None
    if content in ("xlsx", "docx") and not check_zip(upload.content, limits, report, content.upper()):
        return None
    return media


def attach(db: Database, root: Path, task_id: str, report_id: int, uploads: list[Upload], actor: Actor, *,
           on, limits: Limits | None = None) -> list[dict]:
    """Store files for one report; all or nothing.  Identical content is stored once."""
    task = get_task(db, task_id)
    require_lead(actor, task_id, task["lead_unit"])
    report = Report(file=f"task {task_id} report {report_id}")
    typed = [(u, check(u, report, limits)) for u in uploads]
    if not report.ok:
        raise InputError(report)
    out = []
    with db.write() as con:
        for u, media in typed:
            digest = hashlib.sha256(u.content).hexdigest()
            target = root / digest[:2] / digest
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".part")
                tmp.write_bytes(u.content)
                tmp.replace(target)
            eid = con.execute("""INSERT INTO task_evidence (report_id, task_id, filename, stored_path, sha256, size,
                                   media_type, stored_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id""",
                              [report_id, task_id, Path(u.filename).name, str(target.relative_to(root.parent)),
                               digest, len(u.content), media, now()]).fetchone()[0]
            audit(con, action="evidence", actor=actor, on=on, task_id=task_id, evidence_id=eid,
                  filename=Path(u.filename).name, sha256=digest, size=len(u.content))
            out.append({"id": eid, "filename": Path(u.filename).name, "sha256": digest, "size": len(u.content),
                        "media_type": media})
    return out


def read(db: Database, root: Path, evidence_id: int) -> tuple[dict, bytes]:
    row = db.one("SELECT * FROM task_evidence WHERE id = ?", [evidence_id])
    if row is None:
        raise Refusal("unknown-evidence", 404, value=evidence_id)
    return row, (root.parent / row["stored_path"]).read_bytes()
