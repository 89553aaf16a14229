"""Scale words and units: 万 (10^4), 亿 (10^8) and friends, so that a value given as "1.2万" or
in 人 for an indicator kept in 万人 is converted explicitly (and reported), never guessed."""

from __future__ import annotations

# Longest first so that 万亿 is not read as 万 + 亿.
SCALES = (("万亿", 1e12), ("千万", 1e7), ("百万", 1e6), ("亿", 1e8), ("万", 1e4), ("千", 1e3), ("百", 1e2))
PERCENT = ("%", "％")
# Units whose first character is a scale word but which are units in their own right.
WHOLE_UNITS = ("百分点", "千克", "千米", "百分比")
# Other spellings of a base unit, notably those that survive a GBK (or ASCII) save: "μg/m³" has no
# GBK code for "³" and comes back from a spreadsheet saved as GBK CSV as "μg/m?".
SYNONYMS = {"μg/m3": "μg/m³", "µg/m³": "μg/m³", "µg/m3": "μg/m³", "ug/m3": "μg/m³", "ug/m³": "μg/m³",
            "微克/立方米": "μg/m³", "微克每立方米": "μg/m³"}
# the spelling a template writes for a base unit, so that it survives a GBK save
GBK_SAFE = {"μg/m³": "微克/立方米"}


def split_unit(unit: str | None) -> tuple[float, str]:
    """(scale, base unit): 亿元 -> (1e8, 元), 万千瓦 -> (1e7, 瓦), % -> (1, %), 家 -> (1, 家)."""
    u = (unit or "").strip().replace("％", "%")
    scale = 1.0
    while u and u not in WHOLE_UNITS:
        for word, factor in SCALES:
            if u.startswith(word) and len(u) > len(word):
                scale *= factor
                u = u[len(word):]
                break
        else:
            break
    return scale, SYNONYMS.get(u.lower() if u.isascii() else u, u)


def gbk_safe(unit: str | None) -> str:
    """A spelling of ``unit`` that GBK can encode (the same unit to ``split_unit``)."""
    u = unit or ""
    for spelling, safe in GBK_SAFE.items():
        if u.endswith(spelling):
            return u[: len(u) - len(spelling)] + safe
    return u


def conversion(given: str | None, expected: str | None) -> tuple[float, float] | None:
    """How a number written in unit ``given`` becomes one in ``expected``: (multiply by, divide by),
    (1, 1) for no unit or the same one, or None when they measure different things (wrong-unit).
    人 -> 万人 is (1, 1e4); 亿元 -> 元 is (1e8, 1).  The observation checks hold the same rule in SQL
    (ingest/validate.py: unit_bad, unit_conv)."""
    if not given or given == expected:
        return 1.0, 1.0
    (g_scale, g_base), (e_scale, e_base) = split_unit(given), split_unit(expected)
    return (g_scale, e_scale) if g_base == e_base else None
