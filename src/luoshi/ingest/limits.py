"""How large a file given by a user may be: its own size, and for a ZIP archive (XLSX, DOCX) what
its parts may unpack to, in bytes and as a multiple of the file's size.  The numbers are workspace
settings (domain/settings.py); a reader called without a workspace takes their defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from luoshi.domain.problems import Report
from luoshi.domain.settings import SETTINGS

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    file: int          # bytes of the file itself
    unpacked: int      # bytes the parts of a ZIP archive may unpack to, all together
    ratio: float       # what they may unpack to as a multiple of the file's size
    setting: str       # the setting behind ``file``, named when a file is refused

    @classmethod
    def of(cls, setting: Callable[[str], object], file_setting: str) -> "Limits":
        """The limits for one kind of file (``file_setting``: import_max_mb, document_max_mb or
        evidence_max_mb) from a settings reader such as ``Workspace.setting``."""
        return cls(file=int(setting(file_setting) * MB), unpacked=int(setting("zip_max_uncompressed_mb") * MB),
                   ratio=float(setting("zip_max_ratio")), setting=file_setting)

    @classmethod
    def default(cls, file_setting: str) -> "Limits":
        return cls.of(lambda name: SETTINGS[name].default, file_setting)

    def file_fits(self, size: int, report: Report, code: str = "too-large", **where) -> bool:
        """Whether a file of ``size`` bytes is within the limit; if not, the refusal goes to the report."""
        if size <= self.file:
            return True
        report.add(code, size=f"{size:,}", limit=f"{self.file:,}", setting=self.setting, **where)
        return False
