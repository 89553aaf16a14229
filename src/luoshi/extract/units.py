"""Units of quantities: what may follow a number in Chinese or English, normalised to one vocabulary.

The vocabulary is dimensional: the counted thing (enterprises, projects, schools) belongs to the
subject, so every plain count is ``count``.  Values are scaled to base units (110万人 ->
1,100,000 person; 1.3万亿元 -> 1.3e12 CNY).
"""

from __future__ import annotations

from luoshi.domain.scales import split_unit

PERCENT, PP, CNY, USD = "%", "pp", "CNY", "USD"
PERSON, COUNT, HOUSEHOLD = "person", "count", "household"
PERMILLE, RATIO, INDEX, JIN = "permille", "ratio", "index", "jin"
TONNE, KM, KM2, M2, MU, HA, KW, KWH, TEU = "tonne", "km", "km2", "m2", "mu", "ha", "kW", "kWh", "TEU"
# Units that mark a number as not a quantity of anything the plan measures.
# "occurrence" is 次 (three meetings); "times" is a multiple (倍, 2.5 times) and is a quantity.
TIME_UNITS = {"year", "month", "day", "hour", "occurrence", "age", "session", "ordinal"}
# Money is in ISO 4217 codes (CNY, USD, EUR, MYR, ...); the ones written before a number are below.
UNITS = (PERCENT, PP, PERMILLE, RATIO, INDEX, CNY, USD, PERSON, COUNT, HOUSEHOLD, TONNE, JIN, KM, KM2, M2, MU,
         HA, KW, KWH, TEU, "person-time", "m3", "times", *sorted(TIME_UNITS))

# Chinese unit words after a number (with an optional magnitude before them), longest first.
ZH_UNITS: list[tuple[str, str, float]] = sorted([
    ("个百分点", PP, 1), ("百分点", PP, 1), ("%", PERCENT, 1), ("‰", PERMILLE, 1),
    ("港元", "HKD", 1), ("港币", "HKD", 1), ("澳门元", "MOP", 1), ("澳元", "AUD", 1), ("新台币", "TWD", 1),
    ("欧元", "EUR", 1), ("英镑", "GBP", 1), ("日元", "JPY", 1),
    ("元人民币", CNY, 1), ("美元", USD, 1), ("元", CNY, 1),
    ("人次", "person-time", 1), ("万人次", "person-time", 1e4), ("人", PERSON, 1), ("名", PERSON, 1),
    ("位", PERSON, 1),
    ("家", COUNT, 1), ("个", COUNT, 1), ("项", COUNT, 1), ("所", COUNT, 1), ("座", COUNT, 1), ("条", COUNT, 1),
    ("台", COUNT, 1), ("辆", COUNT, 1), ("套", COUNT, 1), ("张", COUNT, 1), ("宗", COUNT, 1), ("场", COUNT, 1),
    ("处", COUNT, 1), ("艘", COUNT, 1), ("架", COUNT, 1), ("栋", COUNT, 1), ("间", COUNT, 1), ("批", COUNT, 1),
    ("件", COUNT, 1), ("例", COUNT, 1), ("微克/立方米", "ug/m3", 1), ("株", COUNT, 1), ("棵", COUNT, 1), ("块", COUNT, 1), ("片", COUNT, 1), ("种", COUNT, 1), ("款", COUNT, 1), ("支", COUNT, 1),
    ("户", HOUSEHOLD, 1),
    ("吨", TONNE, 1), ("公斤", TONNE, 1e-3), ("斤", JIN, 1), ("点", INDEX, 1), ("平方公里", KM2, 1), ("公里", KM, 1), ("千米", KM, 1),
    ("平方米", M2, 1), ("立方米", "m3", 1), ("亩", MU, 1), ("公顷", HA, 1),
    ("千瓦时", KWH, 1), ("度电", KWH, 1), ("千瓦", KW, 1), ("标准箱", TEU, 1), ("标箱", TEU, 1),
    ("周年", "year", 1), ("年", "year", 1), ("个月", "month", 1), ("月", "month", 1), ("日", "day", 1),
    ("天", "day", 1), ("小时", "hour", 1), ("次", "occurrence", 1), ("倍", "times", 1), ("岁", "age", 1),
    ("届", "session", 1),
], key=lambda u: -len(u[0]))

# English unit words after a number (and its scale word); matched on lower-case text.
EN_UNITS: list[tuple[str, str, float]] = sorted([
    ("percentage points", PP, 1), ("percentage point", PP, 1), ("basis points", PP, 0.01),
    ("per mille", PERMILLE, 1), ("‰", PERMILLE, 1), ("points", INDEX, 1), ("percent", PERCENT, 1),
    ("per cent", PERCENT, 1), ("pct", PERCENT, 1), ("pc", PERCENT, 1), ("%", PERCENT, 1), ("-percent", PERCENT, 1),
    ("-per-cent", PERCENT, 1), ("-yuan", CNY, 1), ("u.s. dollars", USD, 1), ("us$", USD, 1),
    ("yuan", CNY, 1), ("rmb", CNY, 1), ("us dollars", USD, 1), ("dollars", USD, 1), ("usd", USD, 1),
    ("euros", "EUR", 1), ("euro", "EUR", 1), ("pounds", "GBP", 1), ("ringgit", "MYR", 1), ("rupees", "INR", 1),
    ("naira", "NGN", 1), ("rand", "ZAR", 1), ("pesos", "PHP", 1), ("rupiah", "IDR", 1), ("dong", "VND", 1),
    ("yen", "JPY", 1), ("shillings", "KES", 1), ("riel", "KHR", 1), ("tenge", "KZT", 1), ("taka", "BDT", 1),
    ("kina", "PGK", 1), ("kwacha", "ZMW", 1), ("pula", "BWP", 1), ("dirhams", "AED", 1), ("riyals", "SAR", 1),
    ("kroner", "NOK", 1), ("kronor", "SEK", 1), ("baht", "THB", 1), ("won", "KRW", 1), ("rands", "ZAR", 1),
    ("egyptian pounds", "EGP", 1), ("cfa francs", "XOF", 1), ("fcfa", "XOF", 1), ("swiss francs", "CHF", 1),
    ("somoni", "TJS", 1), ("quetzales", "GTQ", 1), ("dinars", "IQD", 1), ("kuwaiti dinars", "KWD", 1),
    ("catties", JIN, 1),
    ("mtd", "TND", 1e6), ("mdt", "TND", 1e6), ("mdh", "MAD", 1e6),  # millions of Tunisian dinars, of dirhams
    ("people", PERSON, 1), ("persons", PERSON, 1), ("person", PERSON, 1), ("residents", PERSON, 1),
    ("jobs", PERSON, 1), ("talents", PERSON, 1), ("workers", PERSON, 1), ("students", PERSON, 1),
    ("households", HOUSEHOLD, 1),
    ("tonnes", TONNE, 1), ("tons", TONNE, 1), ("metric tons", TONNE, 1), ("kilograms", TONNE, 1e-3),
    ("kilogrammes", TONNE, 1e-3), ("kgs", TONNE, 1e-3), ("kg", TONNE, 1e-3), ("kilometers", KM, 1),
    ("kilometres", KM, 1), ("km", KM, 1), ("square kilometers", KM2, 1), ("square kilometres", KM2, 1),
    ("square meters", M2, 1), ("square metres", M2, 1), ("mu", MU, 1), ("hectares", HA, 1),
    ("kilowatts", KW, 1), ("kw", KW, 1), ("kilowatt-hours", KWH, 1), ("kwh", KWH, 1), ("teu", TEU, 1),
    ("megawatts", KW, 1e3), ("mw", KW, 1e3), ("gigawatts", KW, 1e6), ("gw", KW, 1e6), ("mwh", KWH, 1e3),
    ("gwh", KWH, 1e6), ("twh", KWH, 1e9),
    ("years", "year", 1), ("year", "year", 1), ("months", "month", 1), ("days", "day", 1),
    ("times", "times", 1), ("hours", "hour", 1),
], key=lambda u: -len(u[0]))

# Currency written before the number (lower case): €3.2bn, RM120 billion, US$5 million, ₹10 lakh crore.
EN_CURRENCY_PREFIX = {"cny": CNY, "rmb": CNY, "¥": CNY, "$": USD, "us$": USD, "usd": USD, "€": "EUR", "eur": "EUR",
                      "£": "GBP", "gbp": "GBP", "rm": "MYR", "myr": "MYR", "₹": "INR", "rs": "INR", "rs.": "INR",
                      "inr": "INR", "₦": "NGN", "ngn": "NGN", "ksh": "KES", "kes": "KES", "a$": "AUD", "aud": "AUD",
                      "c$": "CAD", "cad": "CAD", "$nz": "NZD", "$a": "AUD", "$us": "USD", "$c": "CAD", "s$": "SGD", "sgd": "SGD", "hk$": "HKD", "hkd": "HKD", "nt$": "TWD",
                      "nz$": "NZD", "r": "ZAR", "zar": "ZAR", "php": "PHP", "₱": "PHP", "rp": "IDR", "idr": "IDR",
                      "vnd": "VND", "aed": "AED", "sar": "SAR", "tk": "BDT", "jpy": "JPY", "mop": "MOP",
                      "r$": "BRL", "brl": "BRL", "gh¢": "GHS", "ghs": "GHS", "sh": "KES", "ush": "UGX", "ugx": "UGX",
                      "tsh": "TZS", "shs": "UGX", "jmd$": "JMD", "j$": "JMD", "tzs": "TZS", "mnt": "MNT", "npr": "NPR",
                      "pkr": "PKR", "lkr": "LKR", "egp": "EGP",
                      "zmw": "ZMW", "etb": "ETB", "kzt": "KZT", "uzs": "UZS", "pln": "PLN", "huf": "HUF", "krw": "KRW",
                      "thb": "THB", "mxn": "MXN", "cop": "COP", "clp": "CLP", "ars": "ARS", "fjd": "FJD", "pgk": "PGK",
                      "bdt": "BDT", "myr": "MYR", "chf": "CHF", "sek": "SEK", "nok": "NOK", "dkk": "DKK", "czk": "CZK",
                      "jmd": "JMD", "gyd": "GYD", "nad": "NAD", "omr": "OMR", "jod": "JOD", "ils": "ILS", "qar": "QAR",
                      "kwd": "KWD", "bhd": "BHD", "mad": "MAD", "dzd": "DZD", "tnd": "TND", "xof": "XOF", "xaf": "XAF",
                      "ttd": "TTD", "mur": "MUR", "scr": "SCR", "uyu": "UYU", "dop": "DOP", "bsd": "BSD", "bbd": "BBD",
                      "bzd": "BZD", "sbd": "SBD", "lrd": "LRD", "sos": "SOS", "mwk": "MWK", "mk ": "MWK", "mmk": "MMK",
                      "bwp": "BWP",  # "mk ": MK 450 billion, the kwacha of Malawi (with its space: MK2 is a name)
                      # the dollars of other countries, by their own signs: TT$485.5 million, N$2 billion, RD$10 000
                      "tt$": "TTD", "bz$": "BZD", "ec$": "XCD", "fj$": "FJD", "si$": "SBD", "bds$": "BBD", "n$": "NAD",
                      "l$": "LRD", "g$": "GYD", "rd$": "DOP", "ci$": "KYD", "mex$": "MXN", "z$": "ZWL", "top$": "TOP",
                      "t$": "TOP", "bd": "BHD", "nu": "BTN", "nu.": "BTN",  # the pa'anga, Bahrain's dinar, the ngultrum
                      # the same signs written with a space: EC $3.54 billion (US $1.313 billion)
                      "ec $": "XCD", "us $": USD, "nz $": "NZD", "hk $": "HKD", "tt $": "TTD", "fj $": "FJD",
                      # more ISO 4217 codes written before amounts (not TRY, TOP, ALL, CUP, GEL, PEN, AMD: words too)
                      **{c: c.upper() for c in ("mvr", "afn", "lak", "khr", "vuv", "wst", "bif", "rwf", "mzn", "aoa",
                                                "cdf", "gmd", "sle", "sll", "gnf", "mga", "htg", "bnd", "kgs", "tjs",
                                                "azn", "uah", "rub", "irr", "iqd", "lbp", "yer", "sdg", "ssp", "lyd",
                                                "ern", "djf", "kmf", "btn", "xcd", "ron", "bgn", "isk", "rsd", "mkd",
                                                "byn", "mdl", "vnd", "twd", "nzd", "hkd", "pab", "crc", "gtq", "hnl",
                                                "nio", "pyg", "bob", "ves", "srd", "awg", "ang", "kyd", "zwl", "lsl",
                                                "szl", "mro", "mru", "cve", "stn", "scr", "ugx", "bwp", "pgk")}}
# Words many countries write their money with: read as the best-known one (USD, INR, KES, PHP, CNY) until
# the document says whose it is (currency.py); every other word of those currencies names it outright.
SHARED_CURRENCY_WORDS = frozenset({"$", "dollars", "rs", "rs.", "rupees", "sh", "shillings", "pesos", "kroner", "元",
                                   "dinars", "cfa francs", "fcfa"})
MONEY = {*EN_CURRENCY_PREFIX.values(), *(u for _, u, _ in ZH_UNITS + EN_UNITS if len(u) == 3 and u.isupper() and u != TEU)}


def unit_word(unit: str | None, like: str | None = None) -> str | None:
    """A unit of this vocabulary (base units) as the Chinese word an importer reads: the one with the
    same base unit as ``like`` (an indicator's unit) where there is one, so that the importer scales
    the value (人 for 万人, 元 for 亿元) and refuses a unit that measures something else; None for no unit."""
    words = [w for w, u, scale in ZH_UNITS if u == unit and scale == 1]
    base = split_unit(like)[1] if like else None
    return next((w for w in words if split_unit(w)[1] == base), words[0] if words else None)
