"""Who writes the genre corpus's documents: units, their letterheads and signature blocks, people.

The implementing unit of a model is written in the truth as the name a clerk would put in the decision
("Chi bộ khu vực 2, phường Lái Hiếu"; a configured unit exactly as configured). `alternatives` lists the other
complete names the same document gives it ("Đảng ủy phường Lái Hiếu" for "Phường Lái Hiếu"): a reader that
returns one of them is right. A bare "Chi bộ khu vực 2" is not complete (every ward has one).

Letterhead shapes follow HD 36-HD/VPTW (Party: superior body over the issuing body, a "*" under it) and
NĐ 30/2020 (state: superior body over the issuing body, a rule under it); see benchmarks/GENRES.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Phan",
    "Trương",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Lâm",
    "Dương",
]
FAMILY += ["Hồ", "Ngô", "Tô", "Châu", "Thái"]
MIDDLE_MALE = ["Văn", "Minh", "Hoàng", "Thanh", "Hữu", "Quốc", "Văn Út", "Công", "Đức"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thị Kim", "Thị Thu", "Thanh", "Kim", "Thị Mỹ"]
GIVEN_MALE = ["Tâm", "Hùng", "Dũng", "Tuấn", "Sơn", "Bình", "Lợi", "Khải", "Phước", "Nghĩa", "Thắng", "Hiếu"]
GIVEN_FEMALE = ["Lan", "Phượng", "Hạnh", "Nga", "Thảo", "Nhàn", "Tuyết", "Hồng", "Diễm", "Trinh", "Loan"]
HAMLETS = ["Mang Cá", "Xẻo Vông", "Tân Long", "Đông An", "Sơn Phú", "Tân Phú", "Xẻo Môn"]


def person(rng: random.Random) -> tuple[str, str]:
    """A full name and its gender ("Nam"/"Nữ")."""
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}", "Nữ"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}", "Nam"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass
class Profile:
    """How a unit heads and signs its papers."""

    unit: str
    parent: str  # superior body, top left
    own: str  # issuing body, top left, bold
    party: bool  # Party letterhead ("ĐẢNG CỘNG SẢN VIỆT NAM", "*") or state/mass ("CỘNG HÒA …", a rule)
    symbol: str  # the tail of "Số: 12-BC/CB"
    on_behalf: str  # "T/M CHI BỘ", "TM. ỦY BAN NHÂN DÂN", "" when the head signs alone
    title: str  # "BÍ THƯ", "CHỦ TỊCH", …
    place: str  # where the date line says it was written
    scope: str  # "city" or "commune": the level such a unit usually proposes for
    alternatives: list[str] = field(default_factory=list)
    nation: tuple[str, ...] = ()  # the top-right block; empty = the profile's default


@dataclass
class Units:
    """The units a campaign hears from: configured ones and ones the configuration does not know."""

    city: list[str]
    commune: list[str]
    place: str  # the city, "Ngã Bảy"
    province: str  # "Hậu Giang"
    extra: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.extra = [name for commune in self.commune for name in local_units(commune)]


def local_units(commune: str) -> list[str]:
    """Cells, associations and offices of one ward or commune (not in the configuration)."""
    lw = lower_first(commune)
    ward = commune.startswith("Phường")
    cells = [f"Chi bộ khu vực {n}, {lw}" for n in (1, 2, 3, 4)] if ward else []
    cells += [] if ward else [f"Chi bộ ấp {h}, {lw}" for h in HAMLETS[:3]]
    front = (
        f"Ban công tác Mặt trận khu vực 3, {lw}" if ward else f"Ban công tác Mặt trận ấp {HAMLETS[3]}, {lw}"
    )
    bodies = ["Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Hội Cựu chiến binh", "Đoàn Thanh niên", "Công an"]
    return [*cells, front, *(f"{body} {lw}" for body in bodies), f"Trạm Y tế {lw}"]


CITY_BOARDS = {
    "Văn phòng Thành ủy": ("VĂN PHÒNG", "VPTU", "CHÁNH VĂN PHÒNG"),
    "Ban Tổ chức Thành ủy": ("BAN TỔ CHỨC", "BTCTU", "TRƯỞNG BAN"),
    "Ban Tuyên giáo Thành ủy": ("BAN TUYÊN GIÁO", "BTGTU", "TRƯỞNG BAN"),
    "Ban Dân vận Thành ủy": ("BAN DÂN VẬN", "BDVTU", "TRƯỞNG BAN"),
    "Ủy ban Kiểm tra Thành ủy": ("ỦY BAN KIỂM TRA", "UBKTTU", "CHỦ NHIỆM"),
}


def profile(rng: random.Random, units: Units, unit: str) -> Profile:
    """The letterhead and signature habits of `unit` (one of several plausible ones, chosen by rng)."""
    for builder in (_cell_profile, _commune_profile, _local_profile, _city_profile):
        found = builder(rng, units, unit)
        if found:
            return found
    return Profile(
        unit,
        f"UBND THÀNH PHỐ {units.place.upper()}",
        unit.upper(),
        False,
        "ĐV",
        "",
        "THỦ TRƯỞNG",
        units.place,
        "city",
    )


def _commune_of(units: Units, unit: str) -> str:
    return next((c for c in units.commune if unit.endswith(lower_first(c))), "")


def _cell_profile(rng: random.Random, units: Units, unit: str) -> Profile | None:
    if not unit.startswith("Chi bộ"):
        return None
    commune = _commune_of(units, unit)
    title = rng.choice(["BÍ THƯ", "BÍ THƯ", "PHÓ BÍ THƯ"])
    if not commune:  # a cell of the city's Party committee ("Chi bộ Tòa án")
        parent = f"ĐẢNG BỘ THÀNH PHỐ {units.place.upper()}"
        return Profile(unit, parent, unit.upper(), True, "CB", "T/M CHI BỘ", title, units.place, "city")
    short = unit.split(", ")[0]
    alternatives = [f"{short}, Đảng bộ {lower_first(commune)}", f"{short} ({lower_first(commune)})"]
    place = commune.split(" ", 1)[1]
    return Profile(
        unit,
        f"ĐẢNG BỘ {commune.upper()}",
        short.upper(),
        True,
        "CB",
        "T/M CHI BỘ",
        title,
        place,
        "commune",
        alternatives,
    )


def _commune_profile(rng: random.Random, units: Units, unit: str) -> Profile | None:
    if unit not in units.commune:
        return None
    lw, place = lower_first(unit), unit.split(" ", 1)[1]
    alternatives = [f"Đảng ủy {lw}", f"Ủy ban nhân dân {lw}", f"UBND {lw}", f"Đảng bộ {lw}"]
    if rng.random() < 0.5:
        title = rng.choice(["BÍ THƯ", "PHÓ BÍ THƯ"])
        return Profile(
            unit,
            f"ĐẢNG BỘ THÀNH PHỐ {units.place.upper()}",
            f"ĐẢNG ỦY {unit.upper()}",
            True,
            "ĐU",
            "T/M ĐẢNG ỦY",
            title,
            place,
            "commune",
            alternatives,
        )
    parent, own = rng.choice(
        [(f"UBND THÀNH PHỐ {units.place.upper()}", f"UBND {unit.upper()}"), ("ỦY BAN NHÂN DÂN", unit.upper())]
    )
    title = rng.choice(["CHỦ TỊCH", "CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    return Profile(
        unit, parent, own, False, "UBND", "TM. ỦY BAN NHÂN DÂN", title, place, "commune", alternatives
    )


LOCAL_HEADS = {
    "Hội Nông dân": ("HỘI NÔNG DÂN TP {P}", "BCH HỘI NÔNG DÂN {W}", "HND", "T/M BAN CHẤP HÀNH", "CHỦ TỊCH"),
    "Hội Liên hiệp Phụ nữ": ("HỘI LHPN TP {P}", "BCH HỘI LHPN {W}", "HPN", "TM. BAN CHẤP HÀNH", "CHỦ TỊCH"),
    "Hội Cựu chiến binh": (
        "HỘI CCB TP {P}",
        "HỘI CỰU CHIẾN BINH {W}",
        "CCB",
        "TM. BAN CHẤP HÀNH",
        "CHỦ TỊCH",
    ),
    "Đoàn Thanh niên": ("ĐOÀN TNCS HỒ CHÍ MINH", "BCH ĐOÀN {W}", "ĐTN", "TM. BAN CHẤP HÀNH", "BÍ THƯ"),
    "Công an": ("CÔNG AN TP {P}", "CÔNG AN {W}", "CA", "", "TRƯỞNG CÔNG AN"),
    "Trạm Y tế": ("TRUNG TÂM Y TẾ TP {P}", "TRẠM Y TẾ {W}", "TYT", "", "TRƯỞNG TRẠM"),
}
SHORT_NAMES = {"Hội Liên hiệp Phụ nữ": "Hội LHPN", "Hội Cựu chiến binh": "Hội CCB", "Đoàn Thanh niên": "Đoàn"}


def _local_profile(rng: random.Random, units: Units, unit: str) -> Profile | None:
    commune = _commune_of(units, unit)
    if not commune or unit in units.commune:
        return None
    place = commune.split(" ", 1)[1]
    if unit.startswith("Ban công tác Mặt trận"):
        short = unit.split(", ")[0]
        return Profile(
            unit,
            f"UBMTTQ VIỆT NAM {commune.upper()}",
            short.upper(),
            False,
            "BCTMT",
            "TM. BAN CÔNG TÁC MẶT TRẬN",
            "TRƯỞNG BAN",
            place,
            "commune",
            [f"{short} ({lower_first(commune)})"],
        )
    body = next(b for b in LOCAL_HEADS if unit.startswith(b))
    parent, own, symbol, on_behalf, title = LOCAL_HEADS[body]
    alternatives = [f"{SHORT_NAMES[body]} {lower_first(commune)}"] if body in SHORT_NAMES else []
    if own.startswith("BCH"):  # the executive committee writes for the association
        alternatives += [f"Ban Chấp hành {unit}", f"BCH {unit}"]
    return Profile(
        unit,
        parent.format(P=units.place.upper()),
        own.format(W=commune.upper()),
        False,
        symbol,
        on_behalf,
        title,
        place,
        "commune",
        alternatives,
    )


CITY_HEADS = {
    "Công an thành phố": ("CÔNG AN TỈNH {V}", "CÔNG AN THÀNH PHỐ {P}", "CATP", "", "TRƯỞNG CÔNG AN"),
    "Ban Chỉ huy Quân sự thành phố": (
        "BỘ CHQS TỈNH {V}",
        "BAN CHQS THÀNH PHỐ {P}",
        "BCH",
        "",
        "CHỈ HUY TRƯỞNG",
    ),
    "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố": (
        "ỦY BAN MTTQ VIỆT NAM",
        "THÀNH PHỐ {P}",
        "MTTQ",
        "TM. BAN THƯỜNG TRỰC",
        "CHỦ TỊCH",
    ),
    "Thành đoàn Ngã Bảy": ("TỈNH ĐOÀN {V}", "BCH THÀNH ĐOÀN {P}", "TĐTN", "TM. BAN THƯỜNG VỤ", "BÍ THƯ"),
    "Liên đoàn Lao động thành phố": (
        "LĐLĐ TỈNH {V}",
        "LĐLĐ THÀNH PHỐ {P}",
        "LĐLĐ",
        "TM. BAN THƯỜNG VỤ",
        "CHỦ TỊCH",
    ),
    "Trung tâm Y tế thành phố": ("SỞ Y TẾ TỈNH {V}", "TRUNG TÂM Y TẾ TP {P}", "TTYT", "", "GIÁM ĐỐC"),
}


def _city_profile(rng: random.Random, units: Units, unit: str) -> Profile | None:
    place, province = units.place, units.province
    city_alt = [f"{unit} {place}"] if unit.endswith("thành phố") else []
    if unit in CITY_BOARDS:
        own, symbol, title = CITY_BOARDS[unit]
        if title == "TRƯỞNG BAN" and rng.random() < 0.3:
            title = "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN"
        return Profile(unit, f"THÀNH ỦY {place.upper()}", own, True, symbol, "", title, place, "city")
    if unit.startswith("Hội "):
        own = f"BAN CHẤP HÀNH {unit.upper()} {place.upper()}"
        return Profile(
            unit,
            f"{unit.split(' thành phố')[0].upper()} TỈNH {province.upper()}",
            own,
            False,
            "H",
            "TM. BAN THƯỜNG VỤ",
            "CHỦ TỊCH",
            place,
            "city",
            city_alt,
        )
    if unit in CITY_HEADS:
        parent, own, symbol, on_behalf, title = CITY_HEADS[unit]
        parent, own = (
            parent.format(V=province.upper(), P=place.upper()),
            own.format(V=province.upper(), P=place.upper()),
        )
        alternatives = city_alt + (["Thành đoàn"] if unit.startswith("Thành đoàn") else [])
        return Profile(unit, parent, own, False, symbol, on_behalf, title, place, "city", alternatives)
    if unit.startswith("Phòng"):
        title = rng.choice(["TRƯỞNG PHÒNG", "TRƯỞNG PHÒNG", "K/T TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG"])
        return Profile(
            unit, f"UBND THÀNH PHỐ {place.upper()}", unit.upper(), False, "P", "", title, place, "city"
        )
    return None


# People of individual models: (position, where they work). "{W}" is a ward or commune, "{C}" a cell there.
POSITIONS = [
    ("Đảng viên", "{C}"),
    ("Chi ủy viên", "{C}"),
    ("Trưởng khu vực", "{W}"),
    ("Tổ trưởng tổ tự quản", "{W}"),
    ("Hội viên", "Hội Nông dân {w}"),
    ("Chi hội trưởng", "Hội Liên hiệp Phụ nữ {w}"),
    ("Công an viên", "Công an {w}"),
    ("Y sĩ", "Trạm Y tế {w}"),
    ("Cán bộ Văn phòng - Thống kê", "{W}"),
    ("Phó Trưởng phòng", "Phòng Kinh tế"),
    ("Chuyên viên", "Phòng Lao động - Thương binh và Xã hội"),
    ("Chuyên viên", "Ban Dân vận Thành ủy"),
    ("Bác sĩ", "Trung tâm Y tế thành phố"),
    ("Đội trưởng", "Công an thành phố"),
    ("Phó Chủ tịch", "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố"),
]


def workplace(rng: random.Random, units: Units, commune: str = "") -> tuple[str, str]:
    """A position and the unit the person works in (a configured or a local unit); in `commune` when given
    (a ward's list names its own people)."""
    local = [(p, w) for p, w in POSITIONS if "{" in w]
    position, where = rng.choice(local if commune else POSITIONS)
    commune = commune or rng.choice(units.commune)
    cells = [u for u in local_units(commune) if u.startswith("Chi bộ")] or [commune]
    return position, where.format(W=commune, w=lower_first(commune), C=rng.choice(cells))
