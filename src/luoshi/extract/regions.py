"""Scope of a statement: which region it is about, named in the sentence or taken from the issuer.

The built-in table covers China, Guangdong and its 21 prefecture-level cities; services may pass
a larger table (counties) built from the workspace's regions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extract.patterns import pattern

# code: (zh full, zh short, en)
BUILTIN: dict[str, tuple[str, str, str]] = {
    "100000": ("中华人民共和国", "全国", "China"),
    "440000": ("广东省", "广东", "Guangdong"),
    "440100": ("广州市", "广州", "Guangzhou"), "440200": ("韶关市", "韶关", "Shaoguan"),
    "440300": ("深圳市", "深圳", "Shenzhen"), "440400": ("珠海市", "珠海", "Zhuhai"),
    "440500": ("汕头市", "汕头", "Shantou"), "440600": ("佛山市", "佛山", "Foshan"),
    "440700": ("江门市", "江门", "Jiangmen"), "440800": ("湛江市", "湛江", "Zhanjiang"),
    "440900": ("茂名市", "茂名", "Maoming"), "441200": ("肇庆市", "肇庆", "Zhaoqing"),
    "441300": ("惠州市", "惠州", "Huizhou"), "441400": ("梅州市", "梅州", "Meizhou"),
    "441500": ("汕尾市", "汕尾", "Shanwei"), "441600": ("河源市", "河源", "Heyuan"),
    "441700": ("阳江市", "阳江", "Yangjiang"), "441800": ("清远市", "清远", "Qingyuan"),
    "441900": ("东莞市", "东莞", "Dongguan"), "442000": ("中山市", "中山", "Zhongshan"),
    "445100": ("潮州市", "潮州", "Chaozhou"), "445200": ("揭阳市", "揭阳", "Jieyang"),
    "445300": ("云浮市", "云浮", "Yunfu"),
}
# Words that point at the issuer's own region rather than naming one.
_SELF = pattern(r"全省|全市|全县|全区|本省|本市|我省|我市|the province|the city|province-wide|citywide|"
                r"the whole province|our province|our city", re.I)
_NATIONAL = pattern(r"全国|我国|中国|China(?:'s)?\b|national|nationwide", re.I)


@dataclass(frozen=True)
class ScopeHit:
    code: str
    start: int
    end: int
    inferred: bool


class RegionMatcher:
    """Finds region names in sentences; one compiled pattern for the whole table."""

    def __init__(self, table: dict[str, tuple[str, str, str]] | None = None):
        self.table = dict(BUILTIN)
        if table:
            self.table.update(table)
        names: dict[str, str] = {}
        for code, (full, short, en) in self.table.items():
            if code == "100000":
                continue
            for n in (full, short, en):
                if n and len(n) >= 2:
                    names.setdefault(n, code)
        self.names = names
        alts = sorted(names, key=len, reverse=True)
        self.rx = pattern("|".join(re.escape(a) for a in alts)) if alts else None

    def scope(self, s: str, start: int, issuer: str | None, clause_start: int = 0) -> ScopeHit | None:
        """The region a quantity at ``start`` in sentence ``s`` is about."""
        best: ScopeHit | None = None
        if self.rx is not None:
            for m in self.rx.finditer(s, 0, start):
                best = ScopeHit(self.names[m.group(0)], m.start(), m.end(), False)
        for m in _NATIONAL.finditer(s, 0, start):
            if best is None or m.start() > best.start:
                # "全国第一" in an earlier clause ranks the region, it does not change the scope
                if m.start() >= clause_start and start - m.end() < 40:
                    best = ScopeHit("100000", m.start(), m.end(), False)
        for m in _SELF.finditer(s, 0, start):
            if issuer and (best is None or m.start() > best.start):
                best = ScopeHit(issuer, m.start(), m.end(), False)
        if best is not None:
            return best
        if issuer:
            return ScopeHit(issuer, start, start, True)
        return None
