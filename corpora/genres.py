"""The genre corpus: Word files written the way units really write to the Ban Dân vận (issue 18).

Run: python -m corpora.genres OUTDIR [--per-genre 60] [--part dev|blind] [--seed N] [--libreoffice-share 0.15]

Nine genres, each from its own phrase tables (drawn from the sources in benchmarks/GENRES.md, never from the
recognizer's vocabulary; only the VALUES of levels, types, fields, ratings and units are read from
`pipeline/defaults/dvk.toml`, because a file must say something the configuration knows):

- `thanh_tich_tap_the`: NĐ 91/2017 Mẫu 01, a collective's achievement report (proposal);
- `thanh_tich_ca_nhan`: NĐ 91/2017 Mẫu 02, a person's achievement report (proposal, individual model);
- `to_trinh`: an NĐ 30 tờ trình asking to recognise a model (proposal; a quarter for a person);
- `cong_van`: a letter "V/v đề nghị công nhận mô hình …" with the facts in its sentences (proposal);
- `bao_cao_chi_bo`: a Party cell's narrative report on its model (proposal);
- `ke_hoach`: "KẾ HOẠCH xây dựng mô hình …", a plan: a REGISTRATION, never a proposal;
- `dang_ky_ca_nhan`: a person's registration ("BẢN ĐĂNG KÝ … điển hình"), the person's particulars first;
- `danh_sach_dang_ky`: a horizontal list table of registrations, 1-15 rows, collective and individual rows;
- `danh_sach_de_nghi`: a list table of proposals with results and self-ratings.

Facts sit where units put them: the level in the title line, the model name in quotes after "mô hình",
the field in "thuộc lĩnh vực …", the self-rating in "tự đánh giá … đạt loại …", the unit in the letterhead
(top left) and the signature block, a person's name, birth date, position and workplace first. Birth years,
founding years and the years of cited decisions are not the campaign year; the campaign's dates are in the
body.

The manifest (OUTDIR/manifest.json) lists per file its genre, kind, writer ("word" or "libreoffice"), whether
it is valid (states every required fact), and its records: one per model, with the ground truth
(vocabulary fields as the configured label, model names without quotes, several lines joined by "\\n"),
the other complete names the document gives the unit (`alternatives`), the facts decided by evidence
rather than words (`inferred`: an individual's type from the person's particulars, a collective's from a
unit doing the model with no person named), the values written but not scored (`unscored`) and, for list
tables, the table and row. A fact the document does not state is absent from the truth.

Two parts: `dev` (seed 2020) and `blind` (seed 9173). In every phrase table of four or more variants, a
quarter is held out: only the blind part writes them (at least half of its choices there), so the blind
part measures phrasing the development part never showed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from corpora.genre_units import Profile, Units, lower_first, person, profile, workplace
from corpora.wordlike import Page, resave_with_libreoffice, soffice_binary

CONFIG_FILE = Path(__file__).resolve().parent.parent / "pipeline" / "defaults" / "dvk.toml"
GENRES = (
    "thanh_tich_tap_the",
    "thanh_tich_ca_nhan",
    "to_trinh",
    "cong_van",
    "bao_cao_chi_bo",
    "ke_hoach",
    "dang_ky_ca_nhan",
    "danh_sach_dang_ky",
    "danh_sach_de_nghi",
)
LIST_GENRES = ("danh_sach_dang_ky", "danh_sach_de_nghi")
REGISTRATION_GENRES = ("ke_hoach", "dang_ky_ca_nhan", "danh_sach_dang_ky")
SEEDS = {"dev": 2020, "blind": 9173}
HELD_OUT = 4  # every 4th variant of a phrase table (index % 4 == 3) is written only in the blind part


# ----------------------------------------------------------------------------------------------- vocabulary
@dataclass
class Vocab:
    """The configured terms (label -> the spellings a writer may use) and units."""

    year: int
    levels: dict[str, tuple[str, list[str]]]  # key -> (label, spellings)
    types: dict[str, tuple[str, list[str]]]
    fields: list[tuple[str, list[str]]]
    ratings: list[tuple[str, list[str]]]
    units: Units


def load_vocab(path: Path = CONFIG_FILE) -> Vocab:
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def terms(name: str) -> list[tuple[str, list[str]]]:
        return [(t["label"], [t["label"], *t.get("synonyms", [])]) for t in data[name]]

    keyed = {
        name: {t["key"]: (t["label"], [t["label"], *t.get("synonyms", [])]) for t in data[name]}
        for name in ("levels", "types")
    }
    place = data["issuer"].get("place", "Ngã Bảy")
    province = data["issuer"].get("parent", "Đảng bộ tỉnh Hậu Giang").split("tỉnh ")[-1]
    units = Units(list(data["units"]["city"]), list(data["units"]["commune"]), place, province)
    return Vocab(
        int(data["campaign"]["year"]),
        keyed["levels"],
        keyed["types"],
        terms("fields"),
        terms("ratings"),
        units,
    )


# ----------------------------------------------------------------------------------------------- choosing
@dataclass
class Ctx:
    """The generation context: random source, part (dev/blind), vocabulary, names already used."""

    rng: random.Random
    part: str
    vocab: Vocab
    used_names: set[tuple[str, str]] = field(default_factory=set)  # (model name, unit or person) written
    file_names: set[str] = field(default_factory=set)  # model names of the document being written

    def pick(self, variants: list):
        """One variant; the held-out ones only in the blind part (and there at least half the time)."""
        usable = [
            v for i, v in enumerate(variants) if len(variants) < HELD_OUT or i % HELD_OUT != HELD_OUT - 1
        ]
        held = [v for v in variants if v not in usable]
        if self.part == "blind" and held and self.rng.random() < 0.5:
            return self.rng.choice(held)
        return self.rng.choice(usable if self.part == "dev" else variants)

    def chance(self, share: float) -> bool:
        return self.rng.random() < share


# ----------------------------------------------------------------------------------------------- models
ACTIVITIES = [  # one list per configured field, in the configuration's order
    [
        "Tổ hợp tác trồng khóm an toàn",
        "Cựu chiến binh giúp nhau làm kinh tế",
        "Vận động hội viên nuôi cá trong ruộng lúa",
        "Hỗ trợ phụ nữ khởi nghiệp từ nghề đan lục bình",
        "Chợ nổi văn minh, thương nhân thân thiện",
        "Giúp hộ nghèo tiếp cận vốn vay ưu đãi",
        "Liên kết tiêu thụ bưởi Năm Roi",
        "Vườn cây ăn trái kiểu mẫu",
        "Nuôi lươn không bùn",
        "Tiết kiệm xoay vòng giúp nhau phát triển kinh tế",
    ],
    [
        "Tuyến đường hoa, đèn chiếu sáng",
        "Bữa cơm nghĩa tình",
        "Phiên chợ 0 đồng",
        "Nuôi heo đất giúp học sinh nghèo đến trường",
        "Sáng thứ bảy xanh",
        "Thu gom, phân loại rác thải tại nguồn",
        "Mái ấm tình thương cho hội viên nghèo",
        "Tủ sách khu dân cư",
        "Góc học tập cho con em hộ nghèo",
        "Vận động nhân dân hiến đất làm đường giao thông nông thôn",
    ],
    [
        "Tổ tự quản an ninh trật tự",
        "Camera an ninh, giám sát trật tự",
        "Khu dân cư không có tội phạm và tệ nạn ma túy",
        "Tổ hòa giải ở cơ sở gắn với tuyên truyền pháp luật",
        "Dân quân tự vệ giúp dân lúc nông nhàn",
        "Cảm hóa, giúp đỡ người lầm lỡ tái hòa nhập cộng đồng",
        "Ngày thứ bảy cùng dân tuần tra",
        "Phòng cháy, chữa cháy tại khu dân cư",
    ],
    [
        "Nâng cao chất lượng tiếp công dân, giải quyết thủ tục hành chính",
        "Đảng viên phụ trách hộ gia đình",
        "Chi bộ nói đi đôi với làm",
        "Ngày thứ năm lắng nghe ý kiến nhân dân",
        "Cán bộ, công chức thân thiện, gần dân",
        "Số hóa hồ sơ một cửa, trả kết quả tại nhà",
        "Nâng cao chất lượng sinh hoạt chi bộ",
        "Đối thoại trực tiếp với nhân dân hằng quý",
    ],
]
PLACES_IN_NAMES = [
    "khu vực 1",
    "khu vực 3",
    "khu vực 4",
    "ấp Mang Cá",
    "ấp Tân Long",
    "ấp Xẻo Vông",
    "khu vực 2",
]


@dataclass
class Model:
    """One model's facts (what a record's truth is built from)."""

    name: str
    unit: str  # implementing unit, or the person's workplace
    level: str  # level key
    field: str  # field label
    rating: str  # rating label
    individual: bool = False
    person: str = ""
    gender: str = ""
    position: str = ""
    born: tuple[int, int, int] = (1, 1, 1970)
    start: int = 3  # first month of the campaign year the model ran
    founded: int = 1990
    results: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)


def name_places(unit: str) -> list[str]:
    """Where in its ward or commune a model runs: "khu vực 2" in a ward, "ấp Mang Cá" in a commune."""
    wards = [p for p in PLACES_IN_NAMES if p.startswith("khu vực")]
    hamlets = [p for p in PLACES_IN_NAMES if p.startswith("ấp")]
    if "phường" in unit.lower():
        return wards
    if "xã" in unit.lower():
        return hamlets
    return wards + hamlets


def model_name(ctx: Ctx, field_index: int, who: str) -> str:
    """A model name, different from the other models of the same unit or person (and of the same file)."""
    names = ACTIVITIES[field_index % len(ACTIVITIES)]
    name = ""
    for _ in range(60):
        name = ctx.rng.choice(names)
        if ctx.chance(0.35):
            name = f"{name} {ctx.rng.choice(name_places(who))}"
        if (name, who) not in ctx.used_names and name not in ctx.file_names:
            break
    ctx.used_names.add((name, who))
    ctx.file_names.add(name)
    return name


def make_model(ctx: Ctx, individual: bool = False, unit: str = "", commune: str = "") -> Model:
    rng, vocab = ctx.rng, ctx.vocab
    field_index = rng.randrange(len(vocab.fields))
    units = vocab.units
    if not unit:
        unit = rng.choice(units.city + units.commune + units.extra if not individual else units.city)
    model = Model(
        name="",
        unit=unit,
        level="city",
        field=vocab.fields[field_index][0],
        rating=rng.choice(vocab.ratings)[0],
        start=rng.randint(1, 5),
        founded=rng.randint(1976, 2012),
    )
    if individual:
        model.individual = True
        model.person, model.gender = person(rng)
        model.position, model.unit = workplace(rng, units, commune)
        model.born = (rng.randint(1, 28), rng.randint(1, 12), rng.randint(1958, 1996))
    model.name = model_name(ctx, field_index, model.person or model.unit)
    city_unit = model.unit in units.city
    model.level = "city" if ctx.chance(0.8 if city_unit else 0.35) else "commune"
    model.results = result_lines(ctx)
    model.content = ctx.rng.sample(CONTENT_LINES, ctx.rng.randint(1, 3))
    return model


RESULT_LINES = [
    "Vận động {a} hộ hiến {b}.{c}00 m² đất, làm mới {d},{e} km đường bê tông nông thôn.",
    "Huy động {a}{b} triệu đồng và {c}{d}0 ngày công lao động từ nhân dân.",
    "Giúp {a} hộ thoát nghèo, {b} hộ có việc làm ổn định.",
    "Tổ chức {a} buổi tuyên truyền với hơn {b}{c}0 lượt người tham dự.",
    "Lắp đặt {a}{b} bóng đèn chiếu sáng, trồng {c}{d}0 cây xanh dọc các tuyến đường.",
    "Trao {a} căn nhà tình thương, trị giá {b}{c}0 triệu đồng.",
    "Tình hình an ninh trật tự ổn định, số vụ việc giảm {a}{b}% so với năm trước.",
    "{a}{b}% hộ dân phân loại rác tại nguồn; không còn điểm tồn đọng rác.",
    "Giải quyết đúng hạn {a}{b}{c} hồ sơ, không có hồ sơ trễ hạn.",
    "Cấp {a}{b} phần quà cho hộ nghèo, cận nghèo với tổng trị giá {c}{d} triệu đồng.",
]
CONTENT_LINES = [
    "Ban hành nghị quyết chuyên đề, phân công đảng viên phụ trách từng tổ dân cư.",
    "Tổ chức họp dân lấy ý kiến, công khai dự toán và danh sách hộ đóng góp.",
    "Phối hợp Ban công tác Mặt trận và các đoàn thể vận động từng hộ gia đình.",
    "Đảng viên gương mẫu thực hiện trước, người dân làm theo.",
    "Sơ kết hằng quý, kịp thời biểu dương cá nhân, hộ gia đình tiêu biểu.",
    "Lập nhóm Zalo của khu vực để thông tin kịp thời đến từng hộ.",
]


def result_lines(ctx: Ctx) -> list[str]:
    templates = ctx.rng.sample(RESULT_LINES, ctx.rng.randint(1, 3))
    return [t.format(**{k: ctx.rng.randint(1, 9) for k in "abcde"}) for t in templates]


# ----------------------------------------------------------------------------------------------- spellings
def level_words(ctx: Ctx, key: str, in_sentence: bool = True) -> str:
    """The level as written: in a sentence a spelling beginning "cấp", in a cell any spelling."""
    label, spellings = ctx.vocab.levels[key]
    if in_sentence:
        usable = [s for s in spellings if s.lower().startswith("cấp")] or [label]
        return lower_first(ctx.pick(usable))
    return ctx.pick(spellings)


def field_words(ctx: Ctx, label: str, in_sentence: bool = True) -> str:
    spellings = next(s for lab, s in ctx.vocab.fields if lab == label)
    written = ctx.pick(spellings)
    if written.lower().startswith("lĩnh vực "):
        written = written[len("lĩnh vực ") :]
    if in_sentence and not written[:2].isupper():
        written = lower_first(written)
    return written


def rating_words(ctx: Ctx, label: str) -> str:
    """The rating after "đạt loại": "Tốt", "tốt", "xuất sắc" …"""
    spellings = next(s for lab, s in ctx.vocab.ratings if lab == label)
    written = ctx.pick(spellings)
    for lead in ("xếp loại ", "loại "):
        if written.lower().startswith(lead):
            written = written[len(lead) :]
    return written


def type_label(ctx: Ctx, individual: bool) -> str:
    return ctx.vocab.types["individual" if individual else "collective"][0]


def type_cell(ctx: Ctx, individual: bool) -> str:
    return ctx.pick(ctx.vocab.types["individual" if individual else "collective"][1])


def quoted(ctx: Ctx, name: str) -> str:
    return ctx.pick(["“{}”", "“{}”", '"{}"', "“{}”"]).format(name)


def date_line(ctx: Ctx, place: str, month: int | None = None) -> str:
    month = month or ctx.rng.randint(9, 11)
    written = f"{month:02d}" if month < 3 else str(month)
    return f"{place}, ngày {ctx.rng.randint(1, 28):02d} tháng {written} năm {ctx.vocab.year}"


def short_date(ctx: Ctx, year: int, month_range=(1, 12)) -> str:
    return f"{ctx.rng.randint(1, 28):02d}/{ctx.rng.randint(*month_range)}/{year}"


# ----------------------------------------------------------------------------------------------- records
@dataclass
class Record:
    truth: dict[str, str]
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)  # written, but how to split or bound it is taste
    table: int = 0
    row: int = 0


def base_truth(ctx: Ctx, model: Model, prof: Profile | None, *, kind: str, typed: bool) -> Record:
    """The facts every genre states: name, who, level, type (or inferred), field, year; plus alternatives."""
    truth = {
        "model_name": model.name,
        "unit": model.unit,
        "level": ctx.vocab.levels[model.level][0],
        "model_type": type_label(ctx, model.individual),
        "field": model.field,
        "year": str(ctx.vocab.year),
    }
    if model.individual:
        truth.update(person_name=model.person, person_position=model.position)
    if kind == "proposal":
        truth.update(results="\n".join(model.results), proposed_rating=model.rating)
    record = Record(truth)
    if prof and prof.unit == model.unit and prof.alternatives:
        record.alternatives["unit"] = list(prof.alternatives)
    if not typed:
        record.inferred.append("model_type")
    return record


# ----------------------------------------------------------------------------------------------- blocks
def letterhead(ctx: Ctx, page: Page, prof: Profile | None, number: str, date_place: str) -> None:
    """The two-column heading: issuing body and number left, national line and date right."""
    party = prof.party if prof else False
    nation = (
        ["ĐẢNG CỘNG SẢN VIỆT NAM"]
        if party
        else ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    )
    if not party and ctx.chance(0.2):
        nation = ["CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc"]
    if prof and ctx.chance(0.2):  # typed with tabs instead of a table
        letterhead_tabs(ctx, page, prof, nation, number, date_place)
        return
    table = page.table(1, 2, grid=False, widths=[7.0, 9.5])
    if prof:
        page.cell(table.cell(0, 0), [prof.parent], align="center")
        _more(page, table.cell(0, 0), prof.own, True)
        _more(page, table.cell(0, 0), "*" if party else "--------", False)
        if number:
            _more(page, table.cell(0, 0), number, False)
    right = table.cell(0, 1)
    page.cell(right, [nation[0]], align="center", bold=True)
    for line in nation[1:]:
        _more(page, right, line, True)
    _more(page, right, "----------------", False)
    _more(page, right, date_line(ctx, date_place), False, italic=True)


def letterhead_tabs(ctx: Ctx, page: Page, prof: Profile, nation: list[str], number: str, place: str) -> None:
    """The same heading typed as paragraphs, the two columns kept apart by tabs."""
    first = page.para(prof.parent)
    page.fill(first, "\t\t" + nation[0], bold=True)
    second = page.para(prof.own, bold=True)
    if len(nation) > 1:
        page.fill(second, "\t" + nation[1], bold=True)
    page.para("*" if prof.party else "-------")
    last = page.para(number or "")
    page.fill(last, "\t\t" + date_line(ctx, place), italic=True)


def _more(page: Page, cell, text: str, bold: bool, italic: bool = False) -> None:
    paragraph = cell.add_paragraph()._p
    page._format(paragraph, "center", False, 0)
    page.fill(paragraph, text, bold=bold, italic=italic)


def signature(ctx: Ctx, page: Page, prof: Profile | None, signer: str, recipients: list[str] | None) -> None:
    """Recipients left (or nothing), the signer's block right: on behalf, title, a note, the name."""
    table = page.table(1, 2, grid=False, widths=[7.5, 9.0])
    if recipients:
        page.cell(table.cell(0, 0), [("Nơi nhận:")], bold=True, italic=True, size=12)
        for line in recipients:
            _more_left(page, table.cell(0, 0), line)
    lines = []
    if prof:
        lines += [prof.on_behalf] if prof.on_behalf else []
        lines += prof.title.split("\n")
    lines += [ctx.pick(["(Đã ký)", "", "(Ký tên, đóng dấu)", "", "(ký, ghi rõ họ tên)"]), "", ""]
    page.cell(table.cell(0, 1), [lines[0]], align="center", bold=True)
    for line in lines[1:]:
        _more(page, table.cell(0, 1), line, line.isupper())
    _more(page, table.cell(0, 1), signer, True)


def _more_left(page: Page, cell, text: str) -> None:
    paragraph = cell.add_paragraph()._p
    page._format(paragraph, "", False, 0)
    page.fill(paragraph, text, size=11)


def bullets(ctx: Ctx, page: Page, lines: list[str], edited: bool = False) -> None:
    """One paragraph per line; in an edited Word file, now and then an older line deleted with tracking."""
    mark = ctx.pick(["- ", "+ ", "", "- "])
    for line in lines:
        page.para(mark + line, align="both", indent=not mark)
    if edited and page.quirks and ctx.chance(0.25):
        page.deleted_para(mark + result_lines(ctx)[0])


def title(page: Page, first: str, second: str = "", italic_second: bool = False) -> None:
    page.para("")
    page.para(first, align="center", bold=True, size=15)
    if second:
        page.para(second, align="center", bold=not italic_second, italic=italic_second)
    page.para("-----", align="center")


def number_line(ctx: Ctx, prof: Profile | None, code: str) -> str:
    if not prof:
        return ""
    n = ctx.rng.randint(2, 98)
    return f"Số {n:02d}-{code}/{prof.symbol}" if prof.party else f"Số: {n:02d}/{code}-{prof.symbol}"


def superior(ctx: Ctx) -> str:
    place = ctx.vocab.units.place
    return ctx.pick(
        [
            f"Ban Thường vụ Thành ủy {place}",
            "Ban Thường vụ Thành ủy",
            f"Ban Dân vận Thành ủy {place}",
            f"Ban Chỉ đạo phong trào thi đua “Dân vận khéo” thành phố {place}",
        ]
    )


GUIDANCE = [
    "Kế hoạch số {n}-KH/TU ngày {d} của Ban Thường vụ Thành ủy về thực hiện phong trào thi đua “Dân vận "
    "khéo” năm {y}",
    "Hướng dẫn số {n}-HD/BDVTU ngày {d} của Ban Dân vận Thành ủy về xây dựng và công nhận mô hình “Dân vận "
    "khéo”",
    "Công văn số {n}-CV/BDVTU ngày {d} của Ban Dân vận Thành ủy về việc đăng ký, đề nghị công nhận mô hình "
    "“Dân vận khéo” năm {y}",
    "Kế hoạch số {n}-KH/BCĐ ngày {d} của Ban Chỉ đạo Quy chế dân chủ ở cơ sở thành phố",
]


def guidance(ctx: Ctx) -> str:
    """A cited document of the campaign year (its own date: the campaign's)."""
    y = ctx.vocab.year
    return ctx.pick(GUIDANCE).format(n=ctx.rng.randint(10, 95), d=short_date(ctx, y, (1, 4)), y=y)


def old_decision(ctx: Ctx, year: int = 0) -> str:
    """A cited decision of an earlier year (never the campaign year)."""
    year = min(year or ctx.vocab.year - ctx.rng.randint(1, 6), ctx.vocab.year - 1)
    return ctx.pick(
        [
            f"Quyết định số {ctx.rng.randint(100, 999)}-QĐ/TU ngày {short_date(ctx, year)} của Ban Thường "
            f"vụ Thành ủy",
            f"Quyết định số {ctx.rng.randint(100, 3999)}/QĐ-UBND ngày {short_date(ctx, year)} của Chủ tịch "
            f"UBND thành phố",
            f"Quyết định số {ctx.rng.randint(10, 99)}-QĐ/ĐU ngày {short_date(ctx, year)} của Đảng ủy phường",
        ]
    )


def awards(ctx: Ctx) -> list[str]:
    lines = []
    for _ in range(ctx.rng.randint(1, 3)):
        year = ctx.vocab.year - ctx.rng.randint(1, 5)
        prize = ctx.pick(["Giấy khen", "Bằng khen", "Giấy khen", "Tập thể lao động tiên tiến"])
        lines.append(f"Năm {year}: {prize} ({old_decision(ctx, year + 1)}).")
    return sorted(set(lines))


GENERIC_SUBJECTS = ("Bản thân", "Đơn vị", "Chi bộ", "Qua đánh giá, đơn vị", "đơn vị", "chi bộ")


def rated(ctx: Ctx, model: Model, who: str) -> list[str]:
    """The self-rating sentence, with the rating tracked-changed now and then in Word-made files."""
    words = rating_words(ctx, model.rating)
    lead = ctx.pick(
        [
            "{who} tự đánh giá mô hình đạt loại ",
            "Qua quá trình thực hiện, {who} tự đánh giá mô hình đạt loại ",
            "{who} tự đánh giá, xếp loại mô hình: ",
            "Tự đánh giá: mô hình đạt loại ",
            "{who} tự chấm điểm và đề nghị xếp loại ",
            "{who} tự đánh giá kết quả thực hiện mô hình năm {y} đạt loại ",
            "Căn cứ tiêu chí, {who} tự xếp loại mô hình: ",
            "{who} tự nhận xét, đánh giá mô hình đạt loại ",
        ]
    ).format(who=who, y=ctx.vocab.year)
    lead = lead[:1].upper() + lead[1:]
    if who in GENERIC_SUBJECTS and not lead.startswith(who):
        lead = lead.replace(who, who.lower())
    other = next((lab for lab, _ in ctx.vocab.ratings if lab != model.rating), "")
    if ctx.chance(0.15) and other:
        return [lead, ("del", other), ("ins", words), "."]
    return [lead + words + "."]


# ----------------------------------------------------------------------------------------------- documents
@dataclass
class Doc:
    """A written document: its page, kind and records (one per model)."""

    page: Page
    kind: str
    records: list[Record]


def running(ctx: Ctx, unit: str) -> str:
    """A unit inside a sentence: "xã Đại Thành", not "Xã Đại Thành" (the configured spelling)."""
    return lower_first(unit) if unit in ctx.vocab.units.commune else unit


def who_for(ctx: Ctx, unit: str, prof: Profile | None) -> str:
    """How the document names the unit in its sentences: the truth form, or another complete name."""
    if prof and prof.alternatives and ctx.chance(0.3):
        return ctx.rng.choice(prof.alternatives)
    return unit


def title_block(ctx: Ctx, page: Page, first: str, second: str) -> None:
    """The document type in capitals, its subject below (one or two lines), a short rule; now and then
    framed in a text box."""
    if ctx.chance(0.06):
        lines = [(first, {"bold": True, "size": 15})] + [
            (line, {"bold": True}) for line in second.split("\n")
        ]
        page.textbox([*lines, ("-----", {})])
        return
    page.para("")
    page.para(first, align="center", bold=True, size=15)
    para_lines(ctx, page, second)
    page.para("-----", align="center")


def heading(ctx: Ctx, page: Page, variants: list[str], number: str = "") -> None:
    text = ctx.pick(variants)
    page.para(f"{number}{text}" if number else text, bold=True, align="both")


def para_lines(ctx: Ctx, page: Page, text: str) -> None:
    """A title line that some writers break in two paragraphs."""
    for line in text.split("\n"):
        page.para(line, align="center", bold=True)


def signer_name(ctx: Ctx) -> str:
    return person(ctx.rng)[0]


# ---- Mẫu 01: a collective's achievement report (NĐ 91/2017)
TT01_TITLES = [
    ("BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận mô hình “Dân vận khéo” {level} năm {y}"),
    ("BÁO CÁO THÀNH TÍCH", "ĐỀ NGHỊ CÔNG NHẬN MÔ HÌNH “DÂN VẬN KHÉO” {LEVEL} NĂM {y}"),
    ("BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận mô hình {qname}\nlà mô hình “Dân vận khéo” {level} năm {y}"),
    ("BÁO CÁO THÀNH TÍCH TẬP THỂ", "Đề nghị xét công nhận mô hình “Dân vận khéo” {level} năm {y}"),
    ("BÁO CÁO THÀNH TÍCH", "đề nghị công nhận mô hình “Dân vận khéo” {level}\nnăm {y}"),
    ("BÁO CÁO", "Thành tích thực hiện mô hình “Dân vận khéo” năm {y}, đề nghị công nhận {level}"),
    ("BÁO CÁO THÀNH TÍCH", "Đề nghị Ban Thường vụ Thành ủy công nhận mô hình “Dân vận khéo” {level} năm {y}"),
    ("BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ CÔNG NHẬN", "MÔ HÌNH “DÂN VẬN KHÉO” {LEVEL} NĂM {y}"),
]
COLLECTIVE_LINES = [
    ("Tên tập thể đề nghị: {who}", True),
    ("Tên tập thể: {who}", True),
    ("", False),
    ("Tập thể đề nghị công nhận: {who}", True),
    ("", False),
    ("Tên tập thể đề nghị (ghi đầy đủ bằng chữ in thường, không viết tắt): {who}", True),
]
SITUATION_HEADINGS = [
    "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
    "I. ĐẶC ĐIỂM, TÌNH HÌNH",
    "I. SƠ LƯỢC ĐẶC ĐIỂM TÌNH HÌNH",
    "I- KHÁI QUÁT ĐẶC ĐIỂM, TÌNH HÌNH",
    "I. ĐẶC ĐIỂM TÌNH HÌNH CHUNG",
]
FOUNDING = [
    "{who} được thành lập năm {founded} theo {decision}; hiện có {n} đảng viên, sinh hoạt ở {k} tổ.",
    "{who} được thành lập từ năm {founded}, đến nay có {n} cán bộ, đảng viên, hội viên.",
    "Được thành lập năm {founded}, {who} hiện có {n} thành viên, chia thành {k} tổ.",
    "Năm {founded}, {who} được thành lập; hiện nay đơn vị có {n} đảng viên và {k} tổ chức đoàn thể.",
    "{who} có {n} đảng viên (thành lập năm {founded}), phụ trách {k} tổ dân cư với hơn {hh}00 hộ.",
]
DUTIES = [
    "Lãnh đạo thực hiện nhiệm vụ chính trị, xây dựng Đảng, chính quyền và các đoàn thể vững mạnh.",
    "Tham mưu, tổ chức thực hiện các chủ trương, nghị quyết của cấp ủy cấp trên tại địa bàn.",
    "Tuyên truyền, vận động nhân dân thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
]
ACHIEVEMENT_HEADINGS = [
    "II. THÀNH TÍCH ĐẠT ĐƯỢC",
    "II. NHỮNG THÀNH TÍCH ĐẠT ĐƯỢC",
    "II. KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO”",
    "II- THÀNH TÍCH ĐẠT ĐƯỢC",
]
MODEL_SENTENCES = [
    ("Năm {y}, {who} xây dựng và thực hiện mô hình {qname} thuộc lĩnh vực {field}.", False),
    (
        "Thực hiện {guidance}, {who} đăng ký và triển khai mô hình “Dân vận khéo” {qname}, thuộc lĩnh vực "
        "{field}.",
        False,
    ),
    ("Từ tháng {m}/{y}, {who} triển khai thực hiện mô hình tập thể {qname}, thuộc lĩnh vực {field}.", True),
    ("{who} chọn mô hình {qname} (lĩnh vực {field}) làm mô hình “Dân vận khéo” của đơn vị năm {y}.", False),
    ("Mô hình {qname} thuộc lĩnh vực {field} được {who} triển khai từ tháng {m}/{y}.", False),
    (
        "Mô hình “Dân vận khéo” {qname} là mô hình tập thể thuộc lĩnh vực {field}, do {who} chủ trì thực "
        "hiện.",
        True,
    ),
    (
        "Trong năm {y}, {who} tập trung thực hiện mô hình {qname}; đây là mô hình tập thể thuộc lĩnh vực "
        "{field}.",
        True,
    ),
    ("{who} thực hiện mô hình {qname} trên lĩnh vực {field} từ tháng {m} năm {y}.", False),
]
METHOD_LEADS = [
    "Cách làm:",
    "Nội dung, cách thức thực hiện:",
    "Để thực hiện mô hình, đơn vị đã:",
    "Giải pháp thực hiện:",
]
RESULT_LEADS = [
    "Kết quả đạt được:",
    "Qua thực hiện mô hình, đạt được những kết quả sau:",
    "Kết quả cụ thể:",
    "Sau thời gian triển khai, mô hình mang lại kết quả thiết thực:",
    "Những kết quả nổi bật:",
    "Kết quả thực hiện mô hình:",
    "Kết quả sau một năm thực hiện:",
    "Mô hình đã mang lại những kết quả cụ thể như sau:",
]
AWARD_HEADINGS = [
    "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
    "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐẠT ĐƯỢC",
    "III. HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN",
    "III. KHEN THƯỞNG",
]
REQUESTS = [
    "Kính đề nghị {sup} xem xét, công nhận mô hình {qname} là mô hình “Dân vận khéo” {level} năm {y}./.",
    "{who} kính đề nghị {sup} xem xét, công nhận mô hình “Dân vận khéo” {level} năm {y}./.",
    "Kính đề nghị {sup} xét, công nhận mô hình {qname} đạt mô hình “Dân vận khéo” {level} năm {y}.",
    "Đề nghị {sup} quan tâm xem xét, công nhận mô hình “Dân vận khéo” {level} cho {who}./.",
    "Trên đây là báo cáo thành tích của {who}, kính đề nghị {sup} xem xét, công nhận mô hình “Dân vận khéo”"
    " {level} năm {y}./.",
    "{who} kính đề nghị {sup} xem xét, công nhận mô hình {qname} đạt mô hình “Dân vận khéo” {level}.",
    "Căn cứ kết quả trên, kính đề nghị {sup} công nhận mô hình “Dân vận khéo” {level} năm {y} cho {who}.",
    "Kính trình {sup} xem xét, công nhận mô hình {qname} là mô hình “Dân vận khéo” {level} năm {y}./.",
]


def fill(template: str, ctx: Ctx, model: Model, who: str, level_written: str, **extra) -> str:
    field_written = field_words(ctx, model.field)
    text = template.format(
        y=ctx.vocab.year,
        who=who,
        qname=quoted(ctx, model.name),
        name=model.name,
        field=field_written,
        level=level_written,
        LEVEL=level_written.upper(),
        m=model.start,
        founded=model.founded,
        **extra,
    )
    return text[:1].upper() + text[1:]


def write_thanh_tich_tap_the(ctx: Ctx) -> Doc:
    page, model = Page(ctx.rng, ctx.chance(0.5)), make_model(ctx)
    prof = profile(ctx.rng, ctx.vocab.units, model.unit)
    who, level, signer = who_for(ctx, model.unit, prof), level_words(ctx, model.level), signer_name(ctx)
    if ctx.chance(0.2):  # the unit named only in the letterhead (and the "Tên tập thể" line, if any)
        who = "đơn vị"
    letterhead(ctx, page, prof, number_line(ctx, prof, "BC"), prof.place)
    first, second = ctx.pick(TT01_TITLES)
    title_block(ctx, page, first, fill(second, ctx, model, who, level))
    line, typed = ctx.pick(COLLECTIVE_LINES)
    line = line.replace("{who}", model.unit)
    if ctx.chance(0.25):
        page.para("(Mẫu báo cáo này áp dụng đối với tập thể)", align="center", italic=True)
        typed = True
    if line:
        page.para(fill(line, ctx, model, who, level), align="both", bold=ctx.chance(0.5))
    heading(ctx, page, SITUATION_HEADINGS)
    page.para("1. Đặc điểm, tình hình", bold=True)
    extra = {
        "decision": old_decision(ctx),
        "n": ctx.rng.randint(9, 60),
        "k": ctx.rng.randint(2, 9),
        "hh": ctx.rng.randint(2, 9),
    }
    page.para(fill(ctx.pick(FOUNDING), ctx, model, who, level, **extra), align="both", indent=True)
    page.para("2. Chức năng, nhiệm vụ", bold=True)
    page.para(ctx.pick(DUTIES), align="both", indent=True)
    heading(ctx, page, ACHIEVEMENT_HEADINGS)
    sentence, said_type = ctx.pick(MODEL_SENTENCES)
    page.para(fill(sentence, ctx, model, who, level, guidance=guidance(ctx)), align="both", indent=True)
    page.para(ctx.pick(METHOD_LEADS), italic=True)
    bullets(ctx, page, model.content)
    page.para(ctx.pick(RESULT_LEADS), italic=ctx.chance(0.5), bold=ctx.chance(0.3))
    bullets(ctx, page, model.results, edited=True)
    heading(ctx, page, AWARD_HEADINGS)
    bullets(ctx, page, awards(ctx))
    page.para(rated(ctx, model, who), align="both", indent=True)
    page.para(fill(ctx.pick(REQUESTS), ctx, model, who, level, sup=superior(ctx)), align="both", indent=True)
    signature(ctx, page, prof, signer, ["- Như trên;", "- Lưu: VT."] if ctx.chance(0.5) else None)
    record = base_truth(ctx, model, prof, kind="proposal", typed=typed or said_type)
    record.truth["signer"] = signer
    return Doc(page, "proposal", [record])


# ---- Mẫu 02: a person's achievement report (NĐ 91/2017)
TT02_TITLES = [
    ("BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận điển hình “Dân vận khéo” {level} năm {y}", False),
    ("BÁO CÁO THÀNH TÍCH CÁ NHÂN", "Đề nghị công nhận mô hình “Dân vận khéo” {level} năm {y}", True),
    ("BÁO CÁO THÀNH TÍCH", "ĐỀ NGHỊ CÔNG NHẬN ĐIỂN HÌNH CÁ NHÂN “DÂN VẬN KHÉO” {LEVEL} NĂM {y}", True),
    ("BÁO CÁO TÓM TẮT THÀNH TÍCH", "Điển hình cá nhân “Dân vận khéo” {level} năm {y}", True),
    (
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị công nhận mô hình {qname} đạt mô hình “Dân vận khéo” {level} năm {y}",
        False,
    ),
    ("BÁO CÁO THÀNH TÍCH", "đề nghị công nhận điển hình “Dân vận khéo”\n{level} năm {y}", False),
    ("BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận cá nhân điển hình “Dân vận khéo” {level} năm {y}", True),
    (
        "BẢN BÁO CÁO THÀNH TÍCH CÁ NHÂN",
        "Đề nghị xét công nhận điển hình “Dân vận khéo” {level} năm {y}",
        True,
    ),
]
BIO_NAME = [
    "- Họ tên (ghi đầy đủ bằng chữ in thường, không viết tắt): {p}",
    "- Họ và tên: {p}",
    "1. Họ tên: {p}",
    "- Họ, tên: {p}",
    "Họ và tên: {p}",
]
BIO_BIRTH = [
    "- Sinh ngày, tháng, năm: {d}/{mo}/{yb}          Giới tính: {g}",
    "- Năm sinh: {yb}          Giới tính: {g}",
    "- Ngày, tháng, năm sinh: {d:02d}/{mo:02d}/{yb}",
    "- Sinh ngày {d} tháng {mo} năm {yb}; giới tính: {g}",
    "- Ngày sinh: {d:02d}/{mo:02d}/{yb}",
]
BIO_UNIT = [
    "- Đơn vị công tác: {u}",
    "- Nơi công tác: {u}",
    "- Cơ quan, đơn vị công tác: {u}",
    "- Đơn vị: {u}",
]
BIO_POSITION = [
    "- Chức vụ (Đảng, chính quyền, đoàn thể): {pos}",
    "- Chức vụ: {pos}",
    "- Chức vụ hiện nay: {pos}",
    "- Chức danh: {pos}",
    "- Chức vụ, chức danh: {pos}",
]
BIO_NARRATIVE = [
    "Tôi tên là {p}, sinh năm {yb}, hiện công tác tại {ur}, chức vụ {pos}.",
    "Họ và tên: {p}, sinh năm {yb}; chức vụ: {pos}; đơn vị công tác: {ur}.",
    "Bản thân là {p}, sinh ngày {d:02d}/{mo:02d}/{yb}; chức vụ: {pos}; đơn vị: {ur}.",
    "Tôi là {p} (sinh năm {yb}), {pos}; nơi công tác: {ur}.",
]
DEGREES = ["Đại học Luật", "Trung cấp chính trị", "Cao đẳng sư phạm", "Đại học Kinh tế", "12/12"]
PERSON_SENTENCES = [
    "Với cương vị là {pos}, bản thân đã xây dựng và thực hiện mô hình {qname} thuộc lĩnh vực {field}.",
    "Năm {y}, bản thân đăng ký và thực hiện mô hình “Dân vận khéo” {qname}, thuộc lĩnh vực {field}.",
    "Từ tháng {m}/{y}, tôi trực tiếp thực hiện mô hình {qname} (lĩnh vực {field}).",
    "Bản thân chọn thực hiện điển hình {qname} trên lĩnh vực {field}, vận động bà con cùng tham gia.",
    "Tôi đã thực hiện mô hình cá nhân {qname} thuộc lĩnh vực {field} từ tháng {m} năm {y}.",
]
PERSON_REQUESTS = [
    "Kính đề nghị {sup} xem xét, công nhận điển hình “Dân vận khéo” {level} năm {y}./.",
    "Kính đề nghị {sup} xem xét, công nhận mô hình {qname} là điển hình “Dân vận khéo” {level} năm {y}.",
    "Đề nghị {sup} xét công nhận cá nhân điển hình “Dân vận khéo” {level} năm {y}./.",
    "Tôi xin cam đoan nội dung báo cáo là đúng sự thật và kính đề nghị {sup} xem xét, công nhận điển hình "
    "“Dân vận khéo” {level}./.",
]


def write_thanh_tich_ca_nhan(ctx: Ctx) -> Doc:
    page, model = Page(ctx.rng, ctx.chance(0.5)), make_model(ctx, individual=True)
    prof = profile(ctx.rng, ctx.vocab.units, model.unit) if ctx.chance(0.5) else None
    level, head = level_words(ctx, model.level), signer_name(ctx)
    letterhead(ctx, page, prof, "", prof.place if prof else ctx.vocab.units.place)
    first, second, said_type = ctx.pick(TT02_TITLES)
    page.para("")
    page.para(first, align="center", bold=True, size=15)
    para_lines(ctx, page, fill(second, ctx, model, model.person, level))
    if ctx.chance(0.3):
        page.para("(Mẫu báo cáo này áp dụng đối với cá nhân)", align="center", italic=True)
    page.para("-----", align="center")
    d, mo, yb = model.born
    facts = {
        "p": model.person,
        "d": d,
        "mo": mo,
        "yb": yb,
        "g": model.gender,
        "u": model.unit,
        "ur": running(ctx, model.unit),
        "pos": model.position,
    }
    page.para(
        ctx.pick(
            [
                "I. SƠ LƯỢC LÝ LỊCH",
                "I. SƠ LƯỢC LÝ LỊCH BẢN THÂN",
                "I. LÝ LỊCH TRÍCH NGANG",
                "I- SƠ LƯỢC LÝ LỊCH",
            ]
        ),
        bold=True,
    )
    if ctx.chance(0.25):
        page.para(ctx.pick(BIO_NARRATIVE).format(**facts), align="both", indent=True)
    else:
        for table in (BIO_NAME, BIO_BIRTH, BIO_UNIT, BIO_POSITION):
            page.para(ctx.pick(table).format(**facts), align="both")
        page.para(
            f"- Quê quán: {ctx.rng.choice(ctx.vocab.units.commune)}, thành phố {ctx.vocab.units.place}",
            align="both",
        )
        page.para(f"- Trình độ chuyên môn, nghiệp vụ: {ctx.rng.choice(DEGREES)}", align="both")
        page.para("- Học hàm, học vị, danh hiệu, giải thưởng: Không", align="both")
    page.para("II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True)
    page.para("1. Quyền hạn, nhiệm vụ được giao", bold=ctx.chance(0.5))
    page.para(ctx.pick(DUTIES), align="both", indent=True)
    page.para("2. Thành tích đạt được", bold=ctx.chance(0.5))
    page.para(
        fill(ctx.pick(PERSON_SENTENCES), ctx, model, model.person, level, pos=model.position),
        align="both",
        indent=True,
    )
    bullets(ctx, page, model.content[:1])
    page.para(ctx.pick(RESULT_LEADS), italic=True)
    bullets(ctx, page, model.results)
    page.para("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", bold=True)
    bullets(ctx, page, awards(ctx))
    page.para(rated(ctx, model, "Bản thân"), align="both", indent=True)
    request = fill(ctx.pick(PERSON_REQUESTS), ctx, model, model.person, level, sup=superior(ctx))
    page.para(request, align="both", indent=True)
    table = page.table(1, 2, grid=False, widths=[8.0, 8.5])
    page.cell(
        table.cell(0, 0),
        ["XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "(Ký, đóng dấu)", "", "", head],
        align="center",
        bold=True,
    )
    page.cell(
        table.cell(0, 1),
        ["NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ và tên)", "", "", model.person],
        align="center",
        bold=True,
    )
    record = base_truth(ctx, model, prof, kind="proposal", typed=said_type)
    record.unscored.append("signer")  # two signature blocks: the person, and the head who confirms
    return Doc(page, "proposal", [record])


# ---- NĐ 30 tờ trình
TO_TRINH_SUBJECTS = [
    "Về việc đề nghị công nhận mô hình “Dân vận khéo” {level} năm {y}",
    "V/v đề nghị công nhận mô hình “Dân vận khéo” {level} năm {y}",
    "Đề nghị xét công nhận mô hình {qname} đạt mô hình “Dân vận khéo” {level}",
    "Về việc xét, công nhận điển hình “Dân vận khéo” {level} năm {y}",
    "Về việc đề nghị công nhận mô hình “Dân vận khéo” năm {y}",
    "V/v xét công nhận mô hình “Dân vận khéo” {level} năm {y}",
    "Về việc đề nghị công nhận mô hình {qname}",
]
BASES = ["Căn cứ {g};", "Thực hiện {g};", "Căn cứ {g},", "Căn cứ vào {g};"]
PLEAS_COLLECTIVE = [
    "{who} kính trình {sup} xem xét, công nhận mô hình {qname} là mô hình “Dân vận khéo” {level} năm {y}, "
    "cụ thể như sau:",
    "{who} kính trình {sup} xem xét, công nhận mô hình “Dân vận khéo” {level} năm {y} đối với mô hình "
    "{qname} như sau:",
    "Nay {who} kính trình {sup} xét, công nhận mô hình {qname} đạt mô hình “Dân vận khéo” {level} năm {y}. "
    "Cụ thể:",
    "{who} trình {sup} xem xét, công nhận mô hình {qname} là mô hình “Dân vận khéo” {level}, với những nội "
    "dung chính sau:",
    "Xét kết quả thực hiện, {who} kính trình {sup} xem xét công nhận mô hình {qname} là mô hình “Dân vận "
    "khéo” {level} năm {y}:",
    "{who} kính trình {sup} công nhận mô hình “Dân vận khéo” {level} năm {y}: mô hình {qname}.",
]
PLEAS_PERSON = [
    "{who} kính trình {sup} xem xét, công nhận điển hình cá nhân “Dân vận khéo” {level} năm {y} đối với "
    "{title} {p}, sinh năm {yb}, {pos}, {u}, với mô hình {qname}, thuộc lĩnh vực {field}.",
    "{who} kính trình {sup} xem xét, công nhận {title} {p} (sinh năm {yb}), {pos}, {u} là điển hình “Dân "
    "vận khéo” {level} năm {y} với mô hình {qname} thuộc lĩnh vực {field}.",
    "{who} kính trình {sup} xét, công nhận điển hình “Dân vận khéo” {level} năm {y} cho {title} {p}, {pos},"
    " {u} (sinh năm {yb}); mô hình {qname}, lĩnh vực {field}.",
    "Kính trình {sup} xem xét, công nhận mô hình cá nhân {qname} (lĩnh vực {field}) của {title} {p}, sinh "
    "năm {yb}, {pos}, {u}, là điển hình “Dân vận khéo” {level} năm {y}.",
]
FIELD_SENTENCES = [
    ("Mô hình thuộc lĩnh vực {field}, là mô hình tập thể do {who} thực hiện từ tháng {m}/{y} đến nay.", True),
    ("Mô hình thuộc lĩnh vực {field}, được triển khai từ tháng {m}/{y}.", False),
    ("Lĩnh vực: {field}; loại mô hình: tập thể.", True),
    ("Mô hình được {who} thực hiện trên lĩnh vực {field} từ tháng {m} năm {y}.", False),
    ("Đây là mô hình tập thể, thuộc lĩnh vực {field}.", True),
]


def write_to_trinh(ctx: Ctx) -> Doc:
    individual = ctx.chance(0.25)
    page, model = Page(ctx.rng, ctx.chance(0.5)), make_model(ctx, individual=individual)
    prof = profile(ctx.rng, ctx.vocab.units, model.unit)
    who, level, signer = who_for(ctx, model.unit, prof), level_words(ctx, model.level), signer_name(ctx)
    if individual:
        who = prof.unit if not prof.alternatives else ctx.rng.choice([prof.unit, *prof.alternatives])
    letterhead(ctx, page, prof, number_line(ctx, prof, "TTr"), prof.place)
    title_block(ctx, page, "TỜ TRÌNH", fill(ctx.pick(TO_TRINH_SUBJECTS), ctx, model, who, level))
    sup = superior(ctx)
    page.para(f"Kính gửi: {sup}.", align="center")
    for _ in range(ctx.rng.randint(1, 2)):
        page.para(
            ctx.pick(BASES).format(g=guidance(ctx)),
            align="both",
            indent=True,
            italic=not individual and ctx.chance(0.3),
        )
    omit_rating = ctx.chance(0.06)
    if individual:
        facts = {
            "p": model.person,
            "yb": model.born[2],
            "pos": model.position,
            "u": running(ctx, model.unit),
            "title": "ông" if model.gender == "Nam" else "bà",
            "sup": sup,
        }
        page.para(fill(ctx.pick(PLEAS_PERSON), ctx, model, who, level, **facts), align="both", indent=True)
        typed = True
    else:
        page.para(
            fill(ctx.pick(PLEAS_COLLECTIVE), ctx, model, who, level, sup=sup), align="both", indent=True
        )
        if ctx.chance(0.5):
            page.para(f"1. Tên mô hình: {quoted(ctx, model.name)}", align="both")
        sentence, typed = ctx.pick(FIELD_SENTENCES)
        page.para(fill(sentence, ctx, model, who, level), align="both", indent=True)
    page.para(
        ctx.pick(
            [
                "2. Kết quả đạt được:",
                "Kết quả đạt được:",
                "Sau thời gian thực hiện, mô hình đã đạt được kết quả như sau:",
                "Qua triển khai, mô hình đạt những kết quả:",
                "Kết quả nổi bật:",
            ]
        ),
        align="both",
    )
    bullets(ctx, page, model.results)
    if not omit_rating:
        page.para(rated(ctx, model, "Đơn vị" if ctx.chance(0.5) else who), align="both", indent=True)
    page.para("(Có báo cáo kết quả thực hiện mô hình kèm theo)", italic=True, align="both", indent=True)
    page.para(
        ctx.pick(
            [
                "Kính trình {sup} xem xét, quyết định./.",
                "Kính trình {sup} xem xét, công nhận./.",
                "Kính trình {sup} xem xét, quyết định.",
                "Trân trọng kính trình./.",
            ]
        ).format(sup=sup),
        align="both",
        indent=True,
    )
    signature(ctx, page, prof, signer, ["- Như trên;", "- Ban Dân vận Thành ủy;", "- Lưu: VT."])
    record = base_truth(ctx, model, prof, kind="proposal", typed=typed)
    if omit_rating:
        del record.truth["proposed_rating"]
    if individual:
        record.unscored.append("signer")  # the head of the person's unit signs, not the person
    else:
        record.truth["signer"] = signer
    return Doc(page, "proposal", [record])


# ---- NĐ 30 công văn: the facts in a letter's sentences
CV_SUBJECTS = [
    "V/v đề nghị công nhận mô hình “Dân vận khéo” năm {y}",
    "V/v đề nghị công nhận mô hình “Dân vận khéo” {level}",
    "Về việc đề nghị xét công nhận mô hình “Dân vận khéo”",
    "V/v đề nghị công nhận mô hình {qname}",
    "V/v đề nghị công nhận mô hình “Dân vận khéo” {level} năm {y}",
]
CV_PLEAS = [
    "Thực hiện {g}; {who} kính đề nghị {sup} xem xét, công nhận mô hình {qname} của {unit} là mô hình “Dân "
    "vận khéo” {level} năm {y}.",
    "Căn cứ kết quả thực hiện mô hình “Dân vận khéo” năm {y}, {who} đề nghị {sup} xem xét, công nhận mô "
    "hình {qname} do {unit} thực hiện đạt mô hình “Dân vận khéo” {level}.",
    "Thực hiện {g}, {who} trân trọng đề nghị {sup} xét công nhận mô hình “Dân vận khéo” {level} năm {y} đối"
    " với mô hình {qname} của {unit}.",
    "{who} kính gửi {sup} hồ sơ đề nghị công nhận mô hình {qname} của {unit} là mô hình “Dân vận khéo” "
    "{level} năm {y}.",
    "Qua một năm triển khai, {who} đề nghị {sup} công nhận mô hình {qname} ({unit} thực hiện) là mô hình "
    "“Dân vận khéo” {level} năm {y}.",
    "Để kịp thời biểu dương, {who} đề nghị {sup} xem xét, công nhận mô hình {qname} của {unit} là mô hình "
    "“Dân vận khéo” {level} năm {y}.",
    "{who} báo cáo và đề nghị {sup} công nhận mô hình “Dân vận khéo” {level} năm {y} đối với mô hình "
    "{qname} do {unit} thực hiện.",
]
CV_DETAILS = [
    (
        "Mô hình thuộc lĩnh vực {field}, được triển khai từ tháng {m}/{y}; qua thực hiện đã đạt được một số"
        " kết quả nổi bật:",
        False,
    ),
    (
        "Đây là mô hình tập thể thuộc lĩnh vực {field}. Sau thời gian thực hiện, mô hình đạt được những kết"
        " quả sau:",
        True,
    ),
    ("Mô hình thuộc lĩnh vực {field}, là mô hình tập thể; kết quả đạt được như sau:", True),
    ("Mô hình triển khai trên lĩnh vực {field} từ tháng {m} năm {y}, kết quả cụ thể:", False),
    ("Mô hình thuộc lĩnh vực {field}. Kết quả:", False),
]


def write_cong_van(ctx: Ctx) -> Doc:
    page, model = Page(ctx.rng, ctx.chance(0.5)), make_model(ctx)
    units = ctx.vocab.units
    writer_unit = model.unit
    if model.unit in units.commune and ctx.chance(0.4):  # a ward writes for one of its cells or associations
        model.unit = ctx.rng.choice([u for u in units.extra if u.endswith(lower_first(writer_unit))])
    prof = profile(ctx.rng, units, writer_unit)
    who, level, signer = who_for(ctx, writer_unit, prof), level_words(ctx, model.level), signer_name(ctx)
    table = page.table(1, 2, grid=False, widths=[7.0, 9.5])
    page.cell(table.cell(0, 0), [prof.parent], align="center")
    _more(page, table.cell(0, 0), prof.own, True)
    _more(page, table.cell(0, 0), "*" if prof.party else "--------", False)
    _more(page, table.cell(0, 0), number_line(ctx, prof, "CV"), False)
    _more(page, table.cell(0, 0), fill(ctx.pick(CV_SUBJECTS), ctx, model, who, level), False, italic=True)
    nation = "ĐẢNG CỘNG SẢN VIỆT NAM" if prof.party else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    page.cell(table.cell(0, 1), [nation], align="center", bold=True)
    if not prof.party:
        _more(page, table.cell(0, 1), "Độc lập - Tự do - Hạnh phúc", True)
    _more(page, table.cell(0, 1), date_line(ctx, prof.place), False, italic=True)
    sup = superior(ctx)
    page.para("")
    page.para(f"Kính gửi: {sup}.", align="center")
    unit_words = model.unit if model.unit != writer_unit else ctx.pick(["đơn vị", "đơn vị mình", who])
    plea = fill(ctx.pick(CV_PLEAS), ctx, model, who, level, g=guidance(ctx), sup=sup, unit=unit_words)
    page.para(plea, align="both", indent=True)
    omit_field = ctx.chance(0.05)
    detail, typed = ctx.pick(CV_DETAILS)
    if omit_field:
        detail, typed = "Sau thời gian thực hiện, mô hình đạt được những kết quả sau:", False
    page.para(fill(detail, ctx, model, who, level), align="both", indent=True)
    bullets(ctx, page, model.results)
    page.para(rated(ctx, model, ctx.pick(["Đơn vị", who, "Qua đánh giá, đơn vị"])), align="both", indent=True)
    page.para(
        ctx.pick(
            [
                "(Gửi kèm Báo cáo kết quả thực hiện mô hình).",
                "Trân trọng./.",
                "Trân trọng đề nghị./.",
                f"{who} kính gửi {sup} xem xét./.",
            ]
        ),
        align="both",
        indent=True,
    )
    signature(ctx, page, prof, signer, ["- Như trên;", "- Lưu: VT."])
    record = base_truth(ctx, model, prof if model.unit == writer_unit else None, kind="proposal", typed=typed)
    record.truth["signer"] = signer
    if omit_field:
        del record.truth["field"]
    return Doc(page, "proposal", [record])


# ---- A Party cell's narrative report on its model
CB_TITLES = [
    "Kết quả thực hiện mô hình “Dân vận khéo” năm {y}",
    "Kết quả xây dựng mô hình “Dân vận khéo” {qname}",
    "Kết quả thực hiện mô hình “Dân vận khéo” {level} năm {y}",
    "Sơ kết, đánh giá mô hình “Dân vận khéo” {qname} năm {y}",
    "Tổng kết thực hiện mô hình “Dân vận khéo” năm {y}",
    "kết quả thực hiện mô hình “Dân vận khéo” {qname}\nnăm {y}",
    "Kết quả thực hiện mô hình “Dân vận khéo” năm {y} của chi bộ",
    "Kết quả 01 năm thực hiện mô hình {qname}",
]
CB_SITUATION = [
    "{who} có {n} đảng viên, được thành lập năm {founded}; trên địa bàn có {h}00 hộ với hơn {p}.000 nhân "
    "khẩu.",
    "{who} hiện có {n} đảng viên (thành lập năm {founded}), lãnh đạo {k} tổ dân cư.",
    "Địa bàn {who} có {h}00 hộ dân; chi bộ được thành lập năm {founded}, hiện có {n} đảng viên.",
    "Năm {founded}, {who} được thành lập; đến nay có {n} đảng viên, trong đó {k} đảng viên được miễn sinh "
    "hoạt.",
]
CB_GOALS = [
    "Phấn đấu đến cuối năm {y} đạt kết quả cao nhất, góp phần hoàn thành nhiệm vụ chính trị của địa phương.",
    "Nâng cao kết quả công tác dân vận, tạo sự đồng thuận trong nhân dân; kết quả phải được đo bằng sự hài "
    "lòng của người dân.",
    "Mục tiêu là huy động sức dân, đạt kết quả thiết thực, có sản phẩm cụ thể.",
]
CB_LAUNCH = [
    (
        "Ngày {d}, Chi bộ ban hành Nghị quyết chuyên đề về xây dựng mô hình {qname}, thuộc lĩnh vực {field}.",
        False,
    ),
    (
        "Chi bộ thống nhất chọn xây dựng mô hình tập thể {qname}, thuộc lĩnh vực {field}, và phân công đảng"
        " viên phụ trách.",
        True,
    ),
    ("Đầu năm {y}, chi ủy đề ra chủ trương thực hiện mô hình {qname} trên lĩnh vực {field}.", False),
    ("Mô hình {qname} (lĩnh vực {field}) được Chi bộ triển khai từ tháng {m}/{y}.", False),
    ("Chi bộ xác định mô hình {qname} là mô hình tập thể của chi bộ, thuộc lĩnh vực {field}.", True),
]
CB_RESULTS = [
    "IV. KẾT QUẢ ĐẠT ĐƯỢC",
    "IV. KẾT QUẢ THỰC HIỆN",
    "IV. NHỮNG KẾT QUẢ ĐẠT ĐƯỢC",
    "IV. KẾT QUẢ CỤ THỂ",
]
LESSONS = [
    "Phát huy vai trò tiền phong, gương mẫu của đảng viên; việc gì có lợi cho dân thì hết sức làm.",
    "Phải công khai, dân chủ, bàn bạc với dân; lấy sự hài lòng của nhân dân làm thước đo.",
    "Có sự lãnh đạo chặt chẽ của chi bộ và sự phối hợp của các đoàn thể.",
]
CB_REQUESTS = [
    "Chi bộ kính đề nghị Đảng ủy và Ban Thường vụ Thành ủy xem xét, công nhận mô hình {qname} là mô hình "
    "“Dân vận khéo” {level} năm {y}.",
    "Đề nghị cấp trên xem xét, công nhận mô hình “Dân vận khéo” {level} cho {who}.",
    "Kính đề nghị {sup} công nhận mô hình {qname} đạt mô hình “Dân vận khéo” {level}.",
    "Chi bộ đề nghị {sup} xem xét công nhận mô hình {qname} là mô hình “Dân vận khéo” {level} năm {y}./.",
    "Chi bộ kính đề nghị cấp trên xem xét, công nhận mô hình {qname} là mô hình “Dân vận khéo” {level} năm "
    "{y}.",
    "Kính đề nghị {sup} xét công nhận mô hình “Dân vận khéo” {level} năm {y} đối với mô hình {qname}.",
]


def write_bao_cao_chi_bo(ctx: Ctx) -> Doc:
    units = ctx.vocab.units
    cells = [u for u in units.city + units.extra if u.startswith("Chi bộ")]
    page, model = Page(ctx.rng, ctx.chance(0.5)), make_model(ctx, unit=ctx.rng.choice(cells))
    prof = profile(ctx.rng, units, model.unit)
    who, level, signer = who_for(ctx, model.unit, prof), level_words(ctx, model.level), signer_name(ctx)
    if ctx.chance(0.2):  # the cell named only in its letterhead: "Chi bộ" in its own sentences
        who = "chi bộ"
    letterhead(ctx, page, prof, number_line(ctx, prof, "BC"), prof.place)
    title_block(ctx, page, "BÁO CÁO", fill(ctx.pick(CB_TITLES), ctx, model, who, level))
    facts = {
        "n": ctx.rng.randint(12, 70),
        "h": ctx.rng.randint(2, 9),
        "p": ctx.rng.randint(1, 4),
        "k": ctx.rng.randint(2, 8),
    }
    heading(
        ctx,
        page,
        [
            "I. ĐẶC ĐIỂM TÌNH HÌNH",
            "I. ĐẶC ĐIỂM, TÌNH HÌNH CHUNG",
            "I. TÌNH HÌNH CHUNG",
            "PHẦN I. ĐẶC ĐIỂM, TÌNH HÌNH",
        ],
    )
    page.para(fill(ctx.pick(CB_SITUATION), ctx, model, who, level, **facts), align="both", indent=True)
    heading(
        ctx,
        page,
        ["II. MỤC TIÊU", "II. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU, YÊU CẦU", "II. MỤC TIÊU CỦA MÔ HÌNH"],
    )
    page.para(fill(ctx.pick(CB_GOALS), ctx, model, who, level), align="both", indent=True)
    heading(
        ctx,
        page,
        [
            "III. NỘI DUNG, CÁCH LÀM",
            "III. QUÁ TRÌNH TỔ CHỨC THỰC HIỆN",
            "III. CÁCH LÀM",
            "III. TỔ CHỨC THỰC HIỆN",
        ],
    )
    omit_field = ctx.chance(0.05)
    launch, typed = ctx.pick(CB_LAUNCH)
    if omit_field:
        launch, typed = "Chi bộ ban hành nghị quyết chuyên đề về xây dựng mô hình {qname}.", False
    page.para(
        fill(launch, ctx, model, who, level, d=short_date(ctx, ctx.vocab.year, (1, 3))),
        align="both",
        indent=True,
    )
    bullets(ctx, page, model.content)
    heading(ctx, page, CB_RESULTS)
    bullets(ctx, page, model.results, edited=True)
    heading(
        ctx,
        page,
        ["V. BÀI HỌC KINH NGHIỆM", "V. BÀI HỌC RÚT RA", "V. NHỮNG BÀI HỌC KINH NGHIỆM", "V. KINH NGHIỆM"],
    )
    bullets(ctx, page, ctx.rng.sample(LESSONS, 2))
    heading(ctx, page, ["VI. ĐỀ XUẤT, KIẾN NGHỊ", "VI. KIẾN NGHỊ", "VI. ĐỀ NGHỊ", "VI. ĐỀ XUẤT"])
    page.para(rated(ctx, model, ctx.pick(["Chi bộ", who])), align="both", indent=True)
    page.para(
        fill(ctx.pick(CB_REQUESTS), ctx, model, who, level, sup=superior(ctx)), align="both", indent=True
    )
    signature(ctx, page, prof, signer, ["- Đảng ủy (b/c);", "- Lưu Chi bộ."] if ctx.chance(0.6) else None)
    record = base_truth(ctx, model, prof, kind="proposal", typed=typed)
    record.truth["signer"] = signer
    if omit_field:
        del record.truth["field"]
    return Doc(page, "proposal", [record])


# ---- A plan to build a model: a registration
KH_TITLES = [
    "Xây dựng mô hình “Dân vận khéo” năm {y}",
    "Thực hiện mô hình “Dân vận khéo” {qname} năm {y}",
    "Xây dựng mô hình “Dân vận khéo” {level} năm {y}",
    "Triển khai xây dựng mô hình “Dân vận khéo” {qname}",
    "xây dựng mô hình {qname}\nnăm {y}",
]
KH_PURPOSE = [
    "Nâng cao nhận thức của cán bộ, đảng viên và nhân dân về công tác dân vận; góp phần thực hiện đạt kết "
    "quả cao nhiệm vụ chính trị năm {y}.",
    "Phát huy sức mạnh của cả hệ thống chính trị, tạo sự đồng thuận trong nhân dân; kết quả thực hiện phải "
    "cụ thể, đo đếm được.",
    "Cụ thể hóa phong trào thi đua “Dân vận khéo” bằng việc làm thiết thực, mang lại kết quả rõ nét cho "
    "người dân.",
]
KH_REGISTER = [
    ("{who} đăng ký xây dựng mô hình “Dân vận khéo” {level} {qname}, thuộc lĩnh vực {field}.", False),
    (
        "Năm {y}, {who} đăng ký xây dựng mô hình tập thể {qname} thuộc lĩnh vực {field}, cấp công nhận: "
        "{level}.",
        True,
    ),
    ("{who} xây dựng mô hình {qname} (lĩnh vực {field}), đăng ký công nhận {level}.", False),
    ("Mô hình đăng ký: {qname}; lĩnh vực: {field}; {level}; loại mô hình: tập thể.", True),
    (
        "{who} đăng ký xây dựng mô hình {qname}, lĩnh vực {field}, đăng ký công nhận mô hình “Dân vận khéo”"
        " {level}.",
        False,
    ),
    ("Mô hình: {qname}. Lĩnh vực thực hiện: {field}. Cấp đăng ký: {level}. Đây là mô hình tập thể.", True),
]
KH_CLOSING = [
    "Định kỳ hằng quý sơ kết; cuối năm tổng kết, đánh giá kết quả và đề nghị cấp trên xem xét, công nhận mô"
    " hình.",
    "Giao Chi ủy theo dõi, báo cáo kết quả về Ban Dân vận trước ngày 30/11/{y}.",
    "Các đoàn thể căn cứ kế hoạch này triển khai thực hiện; báo cáo kết quả định kỳ 6 tháng, năm.",
]


def write_ke_hoach(ctx: Ctx) -> Doc:
    page, model = Page(ctx.rng, ctx.chance(0.5)), make_model(ctx)
    prof = profile(ctx.rng, ctx.vocab.units, model.unit)
    who, signer, y = who_for(ctx, model.unit, prof), signer_name(ctx), ctx.vocab.year
    letterhead(ctx, page, prof, number_line(ctx, prof, "KH"), prof.place)
    title_block(
        ctx, page, "KẾ HOẠCH", fill(ctx.pick(KH_TITLES), ctx, model, who, level_words(ctx, model.level))
    )
    page.para(
        f"Thực hiện {guidance(ctx)}, {who} xây dựng kế hoạch thực hiện mô hình “Dân vận khéo” năm {y}, cụ "
        f"thể như sau:",
        align="both",
        indent=True,
    )
    heading(
        ctx, page, ["I. MỤC ĐÍCH, YÊU CẦU", "I. MỤC ĐÍCH - YÊU CẦU", "I. MỤC TIÊU", "I- MỤC ĐÍCH, YÊU CẦU"]
    )
    page.para(ctx.pick(KH_PURPOSE).format(y=y), align="both", indent=True)
    heading(
        ctx,
        page,
        ["II. NỘI DUNG THỰC HIỆN", "II. NỘI DUNG", "II. NỘI DUNG MÔ HÌNH", "II. NỘI DUNG VÀ GIẢI PHÁP"],
    )
    record = base_truth(ctx, model, prof, kind="registration", typed=False)
    period = f"Từ tháng {model.start}/{y} đến tháng 12/{y}"
    if ctx.chance(0.5):  # the plan's own numbered items
        page.para(f"1. Tên mô hình: {quoted(ctx, model.name)}", align="both")
        page.para(f"2. Lĩnh vực: {field_words(ctx, model.field, in_sentence=False)}", align="both")
        label = ctx.pick(["Cấp đăng ký", "Cấp công nhận", "Đăng ký cấp", "Cấp"])
        page.para(f"3. {label}: {level_words(ctx, model.level, False)}", align="both")
        if ctx.chance(0.4):
            page.para("4. Loại mô hình: tập thể", align="both")
            record.inferred.remove("model_type")
        page.para("5. Nội dung, cách thức thực hiện:", align="both")
        bullets(ctx, page, model.content)
        page.para(f"6. Thời gian thực hiện: {period}.", align="both")
        record.truth["period"] = period
    else:
        sentence, typed = ctx.pick(KH_REGISTER)
        page.para(fill(sentence, ctx, model, who, level_words(ctx, model.level)), align="both", indent=True)
        if typed:
            record.inferred.remove("model_type")
        bullets(ctx, page, model.content)
    last = "III. "
    if ctx.chance(0.4):
        heading(
            ctx,
            page,
            ["DỰ KIẾN KẾT QUẢ", "CHỈ TIÊU PHẤN ĐẤU", "KẾT QUẢ DỰ KIẾN", "SẢN PHẨM DỰ KIẾN"],
            "III. ",
        )
        bullets(ctx, page, [f"Phấn đấu: {lower_first(line)}" for line in model.results])
        record.unscored.append("results")  # expected results of a plan: not the results of a proposal
        last = "IV. "
    heading(
        ctx,
        page,
        ["TỔ CHỨC THỰC HIỆN", "TỔ CHỨC THỰC HIỆN", "PHÂN CÔNG THỰC HIỆN", "TỔ CHỨC THỰC HIỆN"],
        last,
    )
    page.para(ctx.pick(KH_CLOSING).format(y=y), align="both", indent=True)
    signature(ctx, page, prof, signer, ["- Ban Dân vận Thành ủy (b/c);", "- Lưu."])
    for key in ("results", "proposed_rating"):
        record.truth.pop(key, None)
    record.truth["signer"] = signer
    return Doc(page, "registration", [record])


# ---- A person's registration
DK_TITLES = [
    ("BẢN ĐĂNG KÝ", "Xây dựng điển hình “Dân vận khéo” năm {y}"),
    ("ĐĂNG KÝ", "Điển hình cá nhân “Dân vận khéo” {level} năm {y}"),
    ("PHIẾU ĐĂNG KÝ", "Thực hiện mô hình “Dân vận khéo” năm {y}"),
    ("BẢN ĐĂNG KÝ THI ĐUA", "Xây dựng điển hình “Dân vận khéo” {level} năm {y}"),
    ("BẢN CAM KẾT VÀ ĐĂNG KÝ", "Xây dựng mô hình “Dân vận khéo” năm {y}"),
]
DK_PERSON = [
    ["Tôi tên: {p}          Sinh năm: {yb}", "Chức vụ: {pos}", "Đơn vị công tác: {u}"],
    ["Họ và tên: {p}", "Ngày sinh: {d:02d}/{mo:02d}/{yb}", "Chức vụ: {pos}", "Nơi công tác: {u}"],
    ["Tôi là {p}, sinh năm {yb}, hiện là {pos}, {ur}."],
    ["Họ tên người đăng ký: {p}; năm sinh: {yb}", "Chức vụ, đơn vị công tác: {pos}, {ur}"],
    ["Tên tôi là: {p}", "Sinh ngày {d} tháng {mo} năm {yb}", "Chức danh: {pos}", "Cơ quan: {u}"],
]
DK_PLEDGE = [
    (
        "Tôi đăng ký xây dựng điển hình “Dân vận khéo” {level} năm {y} với mô hình {qname}, thuộc lĩnh vực "
        "{field}.",
        True,
    ),
    (
        "Sau khi nghiên cứu {g}, tôi đăng ký thực hiện mô hình {qname} (lĩnh vực {field}), đề nghị công "
        "nhận {level}.",
        False,
    ),
    ("Bản thân đăng ký mô hình cá nhân {qname} thuộc lĩnh vực {field}, {level}.", True),
    (
        "Năm {y}, tôi đăng ký xây dựng mô hình “Dân vận khéo” {qname} trên lĩnh vực {field}, cấp công nhận:"
        " {level}.",
        False,
    ),
    (
        "Tôi xin đăng ký thực hiện mô hình cá nhân {qname}, thuộc lĩnh vực {field}, đăng ký công nhận "
        "{level} năm {y}.",
        True,
    ),
    ("Bản thân đăng ký xây dựng mô hình {qname} (lĩnh vực {field}) để đề nghị xét công nhận {level}.", False),
]


def write_dang_ky_ca_nhan(ctx: Ctx) -> Doc:
    page, model = Page(ctx.rng, ctx.chance(0.5)), make_model(ctx, individual=True)
    prof = profile(ctx.rng, ctx.vocab.units, model.unit) if ctx.chance(0.3) else None
    level, head, y = level_words(ctx, model.level), signer_name(ctx), ctx.vocab.year
    letterhead(ctx, page, prof, "", prof.place if prof else ctx.vocab.units.place)
    first, second = ctx.pick(DK_TITLES)
    title_block(ctx, page, first, fill(second, ctx, model, model.person, level))
    page.para(f"Kính gửi: {superior(ctx)}.", align="center")
    d, mo, yb = model.born
    facts = {"p": model.person, "d": d, "mo": mo, "yb": yb, "pos": model.position, "u": model.unit}
    facts["ur"] = running(ctx, model.unit)
    for line in ctx.pick(DK_PERSON):
        page.para(line.format(**facts), align="both")
    pledge, said_type = ctx.pick(DK_PLEDGE)
    page.para(fill(pledge, ctx, model, model.person, level, g=guidance(ctx)), align="both", indent=True)
    page.para(ctx.pick(["Nội dung, cách thức thực hiện:", "Cách làm:", "Nội dung thực hiện:"]), align="both")
    bullets(ctx, page, model.content)
    record = base_truth(ctx, model, None, kind="registration", typed=said_type)
    if ctx.chance(0.6):
        period = f"Từ tháng {model.start}/{y} đến tháng 12/{y}"
        page.para(f"Thời gian thực hiện: {period}.", align="both")
        record.truth["period"] = period
    page.para("Tôi xin hứa thực hiện tốt mô hình đã đăng ký./.", align="both", indent=True)
    table = page.table(1, 2, grid=False, widths=[8.0, 8.5])
    page.cell(table.cell(0, 0), ["XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "", "", head], align="center", bold=True)
    page.cell(
        table.cell(0, 1),
        ["NGƯỜI ĐĂNG KÝ", "(Ký, ghi rõ họ tên)", "", model.person],
        align="center",
        bold=True,
    )
    record.unscored.append("signer")  # the person and the head who confirms both sign
    return Doc(page, "registration", [record])


# ---- List tables: one row per model
LIST_TITLES = {
    "registration": [
        "Đăng ký xây dựng mô hình “Dân vận khéo” năm {y}",
        "Mô hình, điển hình “Dân vận khéo” đăng ký năm {y}",
        "Các mô hình đăng ký xây dựng mô hình “Dân vận khéo” {level} năm {y}",
        "Mô hình “Dân vận khéo” đăng ký thực hiện năm {y}",
        "ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” {LEVEL} NĂM {y}",
    ],
    "proposal": [
        "Mô hình đề nghị công nhận “Dân vận khéo” {level} năm {y}",
        "Đề nghị công nhận mô hình, điển hình “Dân vận khéo” năm {y}",
        "Các mô hình đề nghị công nhận mô hình “Dân vận khéo” {level} năm {y}",
        "Mô hình “Dân vận khéo” đề nghị xét công nhận năm {y}",
        "ĐỀ NGHỊ CÔNG NHẬN MÔ HÌNH “DÂN VẬN KHÉO” {LEVEL} NĂM {y}",
    ],
}
COLUMNS = {
    "stt": ["STT", "TT", "Số TT", "Stt"],
    "name": [
        "Tên mô hình",
        "Tên mô hình “Dân vận khéo”",
        "Tên mô hình, điển hình",
        "Mô hình",
        "Tên gọi mô hình",
    ],
    "name_reg": [
        "Tên mô hình",
        "Tên mô hình đăng ký",
        "Tên mô hình “Dân vận khéo”",
        "Mô hình đăng ký",
        "Tên mô hình đăng ký thực hiện",
    ],
    "name_prop": [
        "Tên mô hình",
        "Tên mô hình đề nghị công nhận",
        "Tên mô hình “Dân vận khéo”",
        "Mô hình",
        "Tên mô hình đề nghị",
    ],
    "who": [
        "Đơn vị thực hiện",
        "Tập thể, cá nhân thực hiện",
        "Đơn vị/cá nhân thực hiện",
        "Chủ thể thực hiện",
        "Tên tập thể, cá nhân",
        "Đơn vị, cá nhân đăng ký",
        "Tập thể/cá nhân",
    ],
    "position": [
        "Chức vụ, đơn vị công tác",
        "Chức vụ, nơi công tác",
        "Chức vụ, đơn vị công tác (đối với cá nhân)",
        "Chức vụ - đơn vị",
    ],
    "field": [
        "Lĩnh vực",
        "Thuộc lĩnh vực",
        "Lĩnh vực thực hiện",
        "Lĩnh vực mô hình",
        "Lĩnh vực (KT, VH-XH, QP-AN, XDHTCT)",
        "Thuộc lĩnh vực nào",
    ],
    "type": ["Loại mô hình", "Tập thể/Cá nhân", "Loại mô hình (TT/CN)", "Hình thức", "Tập thể hay cá nhân"],
    "level": ["Cấp đăng ký", "Cấp", "Cấp công nhận", "Cấp đề nghị", "Cấp đăng ký công nhận"],
    "level_prop": [
        "Cấp đề nghị công nhận",
        "Cấp",
        "Đề nghị công nhận cấp",
        "Cấp công nhận",
        "Đề nghị cấp công nhận",
    ],
    "period": ["Thời gian thực hiện", "Thời gian", "Thời gian triển khai", "Thời gian bắt đầu - kết thúc"],
    "results": [
        "Kết quả nổi bật",
        "Kết quả đạt được",
        "Hiệu quả đạt được",
        "Kết quả, hiệu quả",
        "Sản phẩm, kết quả",
        "Kết quả thực hiện",
        "Hiệu quả mang lại",
    ],
    "rating": [
        "Tự đánh giá",
        "Đề nghị xếp loại",
        "Tự xếp loại",
        "Xếp loại đề nghị",
        "Tự đánh giá, xếp loại",
        "Đơn vị tự đánh giá",
        "Kết quả tự đánh giá",
    ],
    "note": ["Ghi chú", "Ghi chú", "Ghi chú", "Ghi chú"],
}


def list_units(ctx: Ctx, issuer: str) -> list[str]:
    """The units whose models a list from `issuer` gathers (its own cells and associations)."""
    units = ctx.vocab.units
    if issuer in units.commune:
        return [issuer, *(u for u in units.extra if u.endswith(lower_first(issuer)))]
    body = " ".join(issuer.split(" ")[:3])
    local = [u for u in units.extra if u.startswith(body)]
    return [issuer, *local]


def list_models(ctx: Ctx, issuer: str, kind: str) -> tuple[list[Model], str]:
    """1-15 models from the issuer's units; the list's common level key, or "" when rows differ."""
    rows = min(15, max(1, int(ctx.rng.expovariate(1 / 4.5)) + 1))
    individuals = ctx.chance(0.5)
    candidates = list_units(ctx, issuer)
    models = []
    for _ in range(rows):
        if individuals and ctx.chance(0.25):
            home = issuer if issuer in ctx.vocab.units.commune else ""
            models.append(make_model(ctx, individual=True, commune=home))
        else:
            models.append(make_model(ctx, unit=ctx.rng.choice(candidates)))
    common = ctx.chance(0.5)
    level = (
        profile(ctx.rng, ctx.vocab.units, issuer).scope
        if ctx.chance(0.75)
        else ctx.rng.choice(["city", "commune"])
    )
    for model in models:
        model.level = level if common else model.level
        model.results = model.results[:1]
    return models, level if common else ""


def list_columns(ctx: Ctx, kind: str, models: list[Model], level_in_title: bool) -> list[str]:
    columns = ["stt", "name", "who"]
    if any(m.individual for m in models):
        columns.append("position")
    columns.append("field")
    if ctx.chance(0.6) or any(m.individual for m in models) and ctx.chance(0.5):
        columns.append("type")
    if not level_in_title:
        columns.append("level" if kind == "registration" else "level_prop")
    if kind == "registration" and ctx.chance(0.5):
        columns.append("period")
    if kind == "proposal":
        if ctx.chance(0.9):
            columns.append("results")
        columns.append("rating")
    if ctx.chance(0.5):
        columns.append("note")
    return columns


def row_cells(ctx: Ctx, model: Model, columns: list[str], number: int) -> dict[str, str]:
    y = ctx.vocab.year
    who = model.person if model.individual else model.unit
    if model.individual and ctx.chance(0.2):
        who = f"{'Ông' if model.gender == 'Nam' else 'Bà'} {model.person}"
    cells = {
        "stt": str(number),
        "name": model.name if ctx.chance(0.6) else quoted(ctx, model.name),
        "who": who,
        "position": f"{model.position}, {running(ctx, model.unit)}" if model.individual else "",
        "field": field_words(ctx, model.field, in_sentence=False),
        "type": type_cell(ctx, model.individual),
        "level": level_words(ctx, model.level, in_sentence=False),
        "level_prop": level_words(ctx, model.level, in_sentence=False),
        "period": f"Từ tháng {model.start}/{y} đến tháng 12/{y}",
        "results": model.results[0] if model.results else "",
        "rating": rating_words(ctx, model.rating),
        "note": "",
    }
    labels = {"type_label": type_label(ctx, model.individual), "rating_label": model.rating}
    return {**{key: cells[key] for key in columns}, **labels}


def write_list(ctx: Ctx, kind: str) -> Doc:
    page = Page(ctx.rng, ctx.chance(0.5), font_size=13)
    units = ctx.vocab.units
    issuer = ctx.rng.choice(units.commune if ctx.chance(0.7) else units.city)
    prof = profile(ctx.rng, units, issuer)
    models, level_key = list_models(ctx, issuer, kind)
    level_written = level_words(ctx, level_key) if level_key else ""
    titles = [t for t in LIST_TITLES[kind] if ("{level}" in t or "{LEVEL}" in t) == bool(level_key)]
    letterhead(ctx, page, prof, "", prof.place)
    subject = ctx.pick(titles).format(y=ctx.vocab.year, level=level_written, LEVEL=level_written.upper())
    title_block(ctx, page, ctx.pick(["DANH SÁCH", "DANH SÁCH", "BẢNG TỔNG HỢP", "DANH SÁCH"]), subject)
    if ctx.chance(0.5):
        number, date = ctx.rng.randint(10, 99), short_date(ctx, ctx.vocab.year, (3, 11))
        cited = f"Công văn số {number}-CV/{prof.symbol} ngày {date}"
        page.para(f"(Kèm theo {cited} của {who_for(ctx, issuer, prof)})", align="center", italic=True)
    layout = list_layout(ctx, kind, models, bool(level_key))
    if layout.merge_units:  # a unit with several models: its rows together, its cell merged down
        order = {unit: i for i, unit in reversed(list(enumerate(m.unit for m in models)))}
        models.sort(key=lambda m: (m.individual, order[m.unit]))
    table, grid, first_row = list_table(ctx, page, layout, len(models))
    records = []
    for index, model in enumerate(models):
        fill_row(ctx, page, table, grid, first_row + index, row_cells(ctx, model, layout.columns, index + 1))
        record = list_record(ctx, model, layout.columns, kind, page.tables, first_row + index + 1)
        records.append(record)
    if layout.merge_units:
        merge_unit_cells(table, grid, first_row, models)
    if layout.total_row:
        row = first_row + len(models)
        page.cell(table.cell(row, 0), ["Tổng cộng"], bold=True)
        page.cell(table.cell(row, 1), [f"{len(models):02d} mô hình"], bold=True)
    else:
        page.para(f"Tổng cộng: {len(models):02d} mô hình.", italic=True)
    signer = signer_name(ctx)
    signature(ctx, page, prof, signer, None)
    for record in records:  # the list's signer signs for the list, not for each unit's own report
        record.unscored.append("signer")
    return Doc(page, kind, records)


@dataclass
class ListLayout:
    """How a list table is drawn: its columns, the ones written as marks under option sub-columns."""

    kind: str
    columns: list[str]
    marks: dict[str, list[str]]  # column -> option labels ("Tập thể" | "Cá nhân"), an "x" under one
    number_row: bool  # a row "(1) (2) (3) …" under the header
    total_row: bool  # a last row "Tổng cộng | 05 mô hình"
    merge_units: bool  # cells of a unit with several models merged down


def list_layout(ctx: Ctx, kind: str, models: list[Model], level_in_title: bool) -> ListLayout:
    columns = list_columns(ctx, kind, models, level_in_title)
    marks = {}
    if "type" in columns and ctx.chance(0.25):
        marks["type"] = [type_label(ctx, False), type_label(ctx, True)]
    if "rating" in columns and ctx.chance(0.25):
        marks["rating"] = [label for label, _ in ctx.vocab.ratings]
    collective = [m.unit for m in models if not m.individual]
    shared = len(collective) > len(set(collective))
    return ListLayout(kind, columns, marks, ctx.chance(0.2), ctx.chance(0.2), shared and ctx.chance(0.5))


def list_table(ctx: Ctx, page: Page, layout: ListLayout, rows: int):
    """The header (one row, or two when a column is split into option marks), the optional column-number
    row, and empty rows; returns the table, its grid of (column, option) and the first data row."""
    grid = [(key, option) for key in layout.columns for option in layout.marks.get(key, [""])]
    header_rows = 2 if layout.marks else 1
    first = header_rows + int(layout.number_row)
    table = page.table(first + rows + int(layout.total_row), len(grid))
    col = 0
    for key in layout.columns:
        options = layout.marks.get(key, [])
        suffix = "reg" if layout.kind == "registration" else "prop"
        names = COLUMNS.get(f"{key}_{suffix}", COLUMNS[key])
        page.cell(table.cell(0, col), [ctx.pick(names)], align="center", bold=True)
        for offset, option in enumerate(options):
            page.cell(table.cell(1, col + offset), [option], align="center", bold=True)
        if len(options) > 1:
            table.cell(0, col).merge(table.cell(0, col + len(options) - 1))
        elif header_rows == 2:
            table.cell(0, col).merge(table.cell(1, col))
        col += max(1, len(options))
    if layout.number_row:
        style = ctx.pick(["({})", "{}", "({})", "{}."])
        for col in range(len(grid)):
            page.cell(table.cell(header_rows, col), [style.format(col + 1)], align="center", italic=True)
    return table, grid, first


def fill_row(ctx: Ctx, page: Page, table, grid: list[tuple[str, str]], row: int, cells: dict) -> None:
    mark = ctx.pick(["x", "X", "x", "✓"])
    for col, (key, option) in enumerate(grid):
        if option:
            text = mark if option in (cells.get(f"{key}_label"), cells[key]) else ""
        else:
            text = cells[key]
        align = "center" if key in ("stt", "type", "rating") or option else ""
        page.cell(table.cell(row, col), [text], align=align)


def merge_unit_cells(table, grid: list[tuple[str, str]], first: int, models: list[Model]) -> None:
    """Merge the "who" cells of consecutive rows of the same unit; the first keeps the text."""
    col = next(i for i, (key, _) in enumerate(grid) if key == "who")
    start = 0
    for index in range(1, len(models) + 1):
        same = (
            index < len(models) and not models[index].individual and models[index].unit == models[start].unit
        )
        if same and not models[start].individual:
            continue
        if index - start > 1:
            for row in range(first + start + 1, first + index):
                for paragraph in table.cell(row, col).paragraphs:
                    for run in list(paragraph.runs):
                        run._r.getparent().remove(run._r)
            table.cell(first + start, col).merge(table.cell(first + index - 1, col))
        start = index


def list_record(ctx: Ctx, model: Model, columns: list[str], kind: str, table: int, row: int) -> Record:
    record = base_truth(ctx, model, None, kind=kind, typed="type" in columns)
    if "period" in columns:
        record.truth["period"] = f"Từ tháng {model.start}/{ctx.vocab.year} đến tháng 12/{ctx.vocab.year}"
    if kind == "proposal" and "results" not in columns:
        del record.truth["results"]
    record.table, record.row = table, row
    return record


def write_danh_sach_dang_ky(ctx: Ctx) -> Doc:
    return write_list(ctx, "registration")


def write_danh_sach_de_nghi(ctx: Ctx) -> Doc:
    return write_list(ctx, "proposal")


WRITERS = {
    "thanh_tich_tap_the": write_thanh_tich_tap_the,
    "thanh_tich_ca_nhan": write_thanh_tich_ca_nhan,
    "to_trinh": write_to_trinh,
    "cong_van": write_cong_van,
    "bao_cao_chi_bo": write_bao_cao_chi_bo,
    "ke_hoach": write_ke_hoach,
    "dang_ky_ca_nhan": write_dang_ky_ca_nhan,
    "danh_sach_dang_ky": write_danh_sach_dang_ky,
    "danh_sach_de_nghi": write_danh_sach_de_nghi,
}


# ----------------------------------------------------------------------------------------------- corpus
REQUIRED = {
    "registration": ("model_name", "level", "model_type", "field", "year"),
    "proposal": ("model_name", "level", "model_type", "field", "year", "results", "proposed_rating"),
}


def record_valid(record: Record, kind: str) -> bool:
    """Every required fact is stated (a type decided by evidence counts)."""
    truth = record.truth
    who = ("person_name", "person_position") if "person_name" in truth else ("unit",)
    return all(truth.get(key) for key in (*REQUIRED[kind], *who))


def manifest_entry(name: str, genre: str, doc: Doc, writer: str, part: str) -> dict:
    records = [
        {
            "truth": r.truth,
            "alternatives": r.alternatives,
            "inferred": r.inferred,
            "unscored": r.unscored,
            "table": r.table,
            "row": r.row,
            "valid": record_valid(r, doc.kind),
        }
        for r in doc.records
    ]
    return {
        "file": name,
        "genre": genre,
        "kind": doc.kind,
        "writer": writer,
        "part": part,
        "list_table": genre in LIST_GENRES,
        "valid": all(r["valid"] for r in records),
        "records": records,
    }


def generate(
    outdir: Path,
    per_genre: int = 60,
    part: str = "dev",
    seed: int | None = None,
    libreoffice_share: float = 0.15,
    genres: tuple[str, ...] = GENRES,
) -> dict:
    """Write per_genre files of every genre and OUTDIR/manifest.json; returns the manifest."""
    ctx = Ctx(random.Random(SEEDS[part] if seed is None else seed), part, load_vocab())
    outdir.mkdir(parents=True, exist_ok=True)
    written, to_resave = [], []
    with tempfile.TemporaryDirectory(prefix="genres-word-") as staging:
        for genre in genres:
            for number in range(1, per_genre + 1):
                ctx.file_names = set()
                doc = WRITERS[genre](ctx)
                name = f"{part}-{genre.replace('_', '-')}-{number:03d}.docx"
                resave = ctx.chance(libreoffice_share)
                target = Path(staging) / name if resave else outdir / name
                doc.page.save(target)
                written.append((name, genre, doc))
                if resave:
                    to_resave.append(target)
        converted = resave_with_libreoffice(to_resave, outdir)
        for source in to_resave:
            if source.name not in converted:  # no LibreOffice here: the Word file stays
                shutil.copy2(source, outdir / source.name)
    manifest = {
        "generator": "corpora.genres",
        "part": part,
        "seed": SEEDS[part] if seed is None else seed,
        "libreoffice": len(converted),
        "libreoffice_missing": bool(to_resave) and soffice_binary() is None,
        "files": [
            manifest_entry(n, g, d, "libreoffice" if n in converted else "word", part) for n, g, d in written
        ],
    }
    (outdir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the genre corpus (issue 18).")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--per-genre", type=int, default=60)
    parser.add_argument("--part", choices=sorted(SEEDS), default="dev")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--libreoffice-share", type=float, default=0.15)
    args = parser.parse_args(argv)
    manifest = generate(args.outdir, args.per_genre, args.part, args.seed, args.libreoffice_share)
    if manifest["libreoffice_missing"]:
        print("LibreOffice (soffice) not found: the share meant to be re-saved by it stays as Word wrote it.")
    print(
        f"{len(manifest['files'])} files ({manifest['libreoffice']} re-saved by LibreOffice) in {args.outdir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
