"""The tile-grid map of Guangdong's 21 cities: one square per city, placed roughly where the city
lies (column west to east, row north to south).  No boundary data ships with luoshi; the layout
was drawn by hand from the cities' approximate positions (seats' latitude and longitude)."""

from __future__ import annotations

COLUMNS, ROWS = 8, 5

# (code, column, row, short zh, short en)
_LAYOUT = (
    ("440200", 4, 0, "韶关", "Shaoguan"), ("441400", 6, 0, "梅州", "Meizhou"), ("445100", 7, 0, "潮州", "Chaozhou"),
    ("441200", 2, 1, "肇庆", "Zhaoqing"), ("441800", 3, 1, "清远", "Qingyuan"), ("440100", 4, 1, "广州", "Guangzhou"),
    ("441600", 5, 1, "河源", "Heyuan"), ("445200", 6, 1, "揭阳", "Jieyang"), ("440500", 7, 1, "汕头", "Shantou"),
    ("445300", 1, 2, "云浮", "Yunfu"), ("440600", 3, 2, "佛山", "Foshan"), ("441900", 4, 2, "东莞", "Dongguan"),
    ("441300", 5, 2, "惠州", "Huizhou"), ("441500", 6, 2, "汕尾", "Shanwei"),
    ("440900", 0, 3, "茂名", "Maoming"), ("441700", 1, 3, "阳江", "Yangjiang"), ("440700", 2, 3, "江门", "Jiangmen"),
    ("442000", 3, 3, "中山", "Zhongshan"), ("440400", 4, 3, "珠海", "Zhuhai"), ("440300", 5, 3, "深圳", "Shenzhen"),
    ("440800", 0, 4, "湛江", "Zhanjiang"),
)

TILES = [{"code": c, "col": x, "row": y, "short_zh": zh, "short_en": en} for c, x, y, zh, en in _LAYOUT]
