"""Evidence attachments of progress reports: stored in the workspace under their SHA-256,
with size and type limits (the type is checked from the file's first bytes, not only its name)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from luoshi.domain.problems import InputError, Refusal, Report
from luoshi.domain.roles import Actor
from luoshi.services.task_flow import audit, get_task, now, require_lead
from luoshi.store.db import Database

MAX_BYTES = 20 * 1024 * 1024
_ZIP = b"PK\x03\x04"
TYPES = {  # suffix: (media type, leading bytes)
    ".pdf": ("application/pdf", b"%PDF"),
    ".png": ("image/png", b"\x89PNG"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
}


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def evidence_dir(db_path: str) -> Path:
    """Where a workspace keeps its files: next to the DuckDB file."""
    return Path(db_path).with_name(Path(db_path).name + ".files") / "evidence"


def check(upload: Upload, report: Report, max_bytes: int = MAX_BYTES) -> str | None:
    """The media type of an acceptable upload, or None after adding problems to ``report``."""
    suffix = Path(upload.filename).suffix.lower()
    allowed = ", ".join(sorted(TYPES))
    kind = TYPES.get(suffix)
    if kind is None or not upload.content.startswith(kind[1]):
        report.add("file-type-not-allowed", field="evidence", value=upload.filename,
                   media_type=kind[0] if kind else (suffix or "none"), allowed=allowed)
        return None
    if len(upload.content) > max_bytes:
        report.add("file-too-large", field="evidence", value=upload.filename, size=len(upload.content),
                   limit=max_bytes)
        return None
    return kind[0]


def attach(db: Database, root: Path, task_id: str, report_id: int, uploads: list[Upload], actor: Actor, *,
           on, max_bytes: int = MAX_BYTES) -> list[dict]:
    """Store files for one report; all or nothing.  Identical content is stored once."""
    task = get_task(db, task_id)
    require_lead(actor, task_id, task["lead_unit"])
    report = Report(file=f"task {task_id} report {report_id}")
    typed = [(u, check(u, report, max_bytes)) for u in uploads]
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
