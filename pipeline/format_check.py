"""`dvk format check`: a rendered decision read against the element checklist of its profile.

A secretariat edits the templates in Word; this finds what an edit broke before a văn thư does. Each
element of the checklist (docs/domain.md §4: HD 36-HD/VPTW for the Party profile, NĐ 30/2020/NĐ-CP for the
State profile) is looked for in the document's XML and its look checked: case, size, weight, slant,
alignment, the rules and their lengths, punctuation, the quote and count conventions. Elements are
found by their text and place (the header table, the paragraphs after "QUYẾT ĐỊNH", the signature
table), never by their position in a template, so an edited template is judged by what it prints.

Without files, the workspace's own templates are rendered with a specimen campaign (build.py's real
path, into a temporary folder) and that decision is checked.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline import layout
from pipeline.config import Config, Workspace
from pipeline.layout import RunStyle, Styles, W
from pipeline.model import DvkError, Model

PROFILE_NAMES = {"party": "Đảng (HD 36)", "state": "Nhà nước (NĐ 30)"}
PARTY_NATION, STATE_NATION, MOTTO = (
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ("Độc lập - Tự do - Hạnh phúc"),
)
A4 = (11906, 16838)  # twips
TWIPS_PER_MM = 56.7
RULE_RANGE = (1 / 3 - 0.01, 1 / 2 + 0.01)  # NĐ 30 Phụ lục I: 1/3 to 1/2 of the line, measured


@dataclass(frozen=True)
class Check:
    """One element of the checklist: what it is, whether the document meets it, what was found."""

    element: str
    passed: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return {"element": self.element, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class Para:
    """A paragraph as the checklist sees it."""

    element: etree._Element
    text: str
    runs: tuple[RunStyle, ...]  # styles of the runs that print something
    align: str
    cell: tuple[int, int, int] | None  # (table, row, column) of a top-level table, None in the body

    @property
    def bold(self) -> bool:
        return bool(self.runs) and all(run.bold for run in self.runs)

    @property
    def italic(self) -> bool:
        return bool(self.runs) and all(run.italic for run in self.runs)

    @property
    def upright(self) -> bool:
        return not any(run.italic for run in self.runs)

    @property
    def sizes(self) -> set[float]:
        return {run.size for run in self.runs}

    @property
    def caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and (all(c.isupper() for c in letters) or all(run.caps for run in self.runs))


# ---------------------------------------------------------------------------- reading


class Rendered:
    """The parts of a rendered decision or list the checklists read."""

    def __init__(self, path: Path):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        with zipfile.ZipFile(path) as package:
            self.root = etree.fromstring(package.read("word/document.xml"), parser)
            styles = package.read("word/styles.xml") if "word/styles.xml" in package.namelist() else None
            self.styles = Styles(etree.fromstring(styles, parser) if styles else None)
            self.headers = [
                etree.fromstring(package.read(name), parser)
                for name in package.namelist()
                if re.fullmatch(r"word/header\d*\.xml", name)
            ]
            self.footers = [
                etree.fromstring(package.read(name), parser)
                for name in package.namelist()
                if re.fullmatch(r"word/footer\d*\.xml", name)
            ]
        self.body = self.root.find(f"{W}body")
        self.paras = self.read_paras()

    def read_paras(self) -> list[Para]:
        paras = []
        tables = {table: index for index, table in enumerate(self.body.findall(f"{W}tbl"))}
        for p in self.body.iter(f"{W}p"):
            cell = next(p.iterancestors(f"{W}tc"), None)
            where = None
            if cell is not None:
                row = cell.getparent()
                table = row.getparent()
                if table in tables:
                    where = (
                        tables[table],
                        table.findall(f"{W}tr").index(row),
                        row.findall(f"{W}tc").index(cell),
                    )
            paras.append(self.para(p, where))
        return paras

    def para(self, p: etree._Element, cell: tuple[int, int, int] | None) -> Para:
        props = self.styles.paragraph_props(p)
        runs, pieces = [], []
        for run in p.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.findall(f"{W}t"))
            for child in run:
                if child.tag == f"{W}t":
                    pieces.append(child.text or "")
                elif child.tag in (f"{W}br", f"{W}cr"):
                    pieces.append("\n")
            if text.strip():
                runs.append(self.styles.run_style(run, props))
        jc = p.find(f"{W}pPr/{W}jc")
        align = jc.get(f"{W}val") if jc is not None else "left"
        return Para(p, "".join(pieces).strip(), tuple(runs), align, cell)

    def find(self, test: Callable[[Para], bool]) -> Para | None:
        return next((para for para in self.paras if para.text and test(para)), None)

    def after(self, anchor: Para | None, count: int = 1) -> list[Para]:
        """The next `count` non-empty paragraphs of the same container after `anchor`."""
        if anchor is None:
            return []
        found, seen = [], False
        for para in self.paras:
            if para is anchor:
                seen = True
            elif seen and para.text and para.cell == anchor.cell:
                found.append(para)
                if len(found) == count:
                    break
        return found

    def cell(self, table: int, row: int, column: int) -> list[Para]:
        return [p for p in self.paras if p.text and p.cell == (table, row, column)]

    @property
    def profile(self) -> str:
        return "state" if self.find(lambda p: p.text == STATE_NATION) else "party"


def check_file(path: Path, config: Config | None = None) -> list[Check]:
    """The checklist of the document's profile (told by its national line) for a rendered decision, or
    for a rendered list (a document titled "DANH SÁCH")."""
    try:
        document = Rendered(Path(path))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        return [Check("Tệp văn bản", False, f"không đọc được {Path(path).name}: {exc}")]
    if document.find(lambda p: p.text == "DANH SÁCH" and p.cell is None):
        return list_checklist(document, config)
    return checklist(document, config)


# ---------------------------------------------------------------------------- the checklist


def checklist(d: Rendered, config: Config | None) -> list[Check]:
    state = d.profile == "state"
    header = header_checks(d, state)
    title = title_checks(d, state)
    body = body_checks(d, state, config)
    closing = closing_checks(d, state)
    return [*page_checks(d, config, "QD"), *header, *title, *body, *closing]


def expect(element: str, para: Para | None, **wanted) -> Check:
    """Check a paragraph's look: caps, bold, italic, upright, sizes (a range), align, text pattern."""
    if para is None:
        return Check(element, False, "không tìm thấy")
    problems = []
    for key, value in wanted.items():
        if key == "sizes":
            low, high = value
            if not para.sizes or not all(low <= size <= high for size in para.sizes):
                shown = ", ".join(f"{size:g}" for size in sorted(para.sizes)) or "?"
                problems.append(
                    f"cỡ chữ {shown} (cần {low:g}–{high:g})"
                    if low != high
                    else f"cỡ chữ {shown} (cần {low:g})"
                )
        elif key == "pattern":
            if not re.fullmatch(value, para.text, flags=re.DOTALL):
                problems.append("nội dung sai dạng")
        elif key == "align":
            if para.align not in ((value,) if isinstance(value, str) else value):
                problems.append(f"căn lề {para.align}")
        elif getattr(para, key) != value:
            problems.append(LOOK[key][value])
    detail = f"“{para.text[:60]}”".replace("\n", " / ") + (": " + "; ".join(problems) if problems else "")
    return Check(element, not problems, detail)


LOOK = {
    "caps": {True: "cần chữ in hoa", False: "không được in hoa"},
    "bold": {True: "cần chữ đậm", False: "không được in đậm"},
    "italic": {True: "cần chữ nghiêng", False: "không được in nghiêng"},
    "upright": {True: "cần chữ đứng", False: "cần chữ nghiêng"},
}


def page_checks(d: Rendered, config: Config | None, code_kind: str) -> list[Check]:
    section = d.body.find(f"{W}sectPr")
    size = section.find(f"{W}pgSz") if section is not None else None
    width, height = (int(size.get(f"{W}{k}", "0")) for k in ("w", "h")) if size is not None else (0, 0)
    checks = [
        Check(
            "Khổ giấy A4 đứng",
            abs(width - A4[0]) < 60 and abs(height - A4[1]) < 60,
            f"{width / TWIPS_PER_MM:.0f} × {height / TWIPS_PER_MM:.0f} mm",
        )
    ]
    if config is not None:
        margins = section.find(f"{W}pgMar")
        found = [
            int(margins.get(f"{W}{side}", "0")) / TWIPS_PER_MM for side in ("top", "bottom", "left", "right")
        ]
        wanted = [float(config.format[f"margin_{side}"]) for side in ("top", "bottom", "left", "right")]
        ok = all(abs(a - b) < 0.6 for a, b in zip(found, wanted, strict=True))
        checks.append(
            Check(
                "Lề trang theo dvk.toml (trên, dưới, trái, phải)",
                ok,
                " / ".join(f"{value:.0f}" for value in found) + " mm",
            )
        )
    titled = section is not None and section.find(f"{W}titlePg") is not None
    numbered = any("PAGE" in "".join(part.itertext()) for part in d.headers)
    checks.append(
        Check(
            "Số trang từ trang 2, giữa lề trên",
            titled and numbered,
            "" if titled and numbered else "thiếu trường PAGE ở đầu trang hoặc trang đầu không riêng",
        )
    )
    code = any(
        re.search(rf"DVK-\d{{4}}-{code_kind}-[0-9A-F]{{8}}", "".join(part.itertext())) for part in d.footers
    )
    checks.append(
        Check("Mã văn bản ở chân trang (để nhận bản đã ký)", code, "" if code else "không có mã DVK-…")
    )
    return checks


def header_checks(d: Rendered, state: bool, numbered: bool = True) -> list[Check]:
    nation = d.find(lambda p: p.text == (STATE_NATION if state else PARTY_NATION) and p.cell is not None)
    checks = []
    if state:
        checks.append(expect("Quốc hiệu", nation, caps=True, bold=True, sizes=(12, 13)))
        motto = d.after(nation)[0] if d.after(nation) else None
        checks.append(expect("Tiêu ngữ", motto, bold=True, sizes=(13, 14), pattern=re.escape(MOTTO)))
        checks.append(border_rule("Đường kẻ dưới Tiêu ngữ", d, motto))
    else:
        checks.append(
            expect("Tên Đảng (ĐẢNG CỘNG SẢN VIỆT NAM)", nation, caps=True, bold=True, sizes=(15, 15))
        )
        checks.append(border_rule("Đường kẻ dưới tên Đảng", d, nation))
    table, row, column = nation.cell if nation is not None and nation.cell is not None else (0, 0, 1)
    left = [p for p in d.cell(table, row, 1 - column) if p.text != "*"]
    issuer = next((p for p in reversed(left) if p.bold), None)
    parent = [p for p in left if p is not issuer]
    size = (12, 13) if state else (14, 14)
    if parent or not state:  # NĐ 30: a UBND may have no chủ quản line
        checks.append(
            expect("Cơ quan cấp trên", parent[0] if parent else None, caps=True, bold=False, sizes=size)
        )
    checks.append(expect("Cơ quan ban hành", issuer, caps=True, bold=True, sizes=size))
    if state:
        checks.append(drawn_rule("Đường kẻ dưới cơ quan ban hành (1/3–1/2 dòng chữ)", d, issuer))
    else:
        star = d.after(issuer)[0] if d.after(issuer) else None
        checks.append(expect("Dấu * dưới cơ quan ban hành", star, pattern=r"\*", align="center"))
    if numbered:
        checks += number_and_date_checks(d, state)
    return checks


def number_and_date_checks(d: Rendered, state: bool) -> list[Check]:
    checks = []
    number = d.find(lambda p: p.text.startswith("Số") and p.cell is not None)
    pattern = r"Số:\s*\d*/QĐ-\S+" if state else r"Số\s*\d*-QĐ/\S+"
    checks.append(
        expect(
            "Số, ký hiệu" + (" (Số: …/QĐ-…)" if state else " (Số …-QĐ/…, không có dấu hai chấm)"),
            number,
            bold=False,
            upright=True,
            sizes=(13, 13) if state else (14, 14),
            pattern=pattern,
        )
    )
    date = d.find(
        lambda p: p.cell is not None and re.search(r", ngày .*tháng .*năm \d{4}$", p.text) is not None
    )
    checks.append(
        expect("Địa danh, ngày tháng năm", date, italic=True, sizes=(13, 14) if state else (14, 14))
    )
    return checks


def border_rule(element: str, d: Rendered, para: Para | None) -> Check:
    """A rule as long as its text: the bottom border of the text's own paragraph (HD 36, NĐ 30)."""
    if para is None:
        return Check(element, False, "không tìm thấy dòng chữ")
    border = para.element.find(f"{W}pPr/{W}pBdr/{W}bottom")
    if border is None or border.get(f"{W}val") in (None, "nil", "none"):
        return Check(element, False, "dòng chữ không có đường kẻ dưới")
    text = max(
        (layout.line_width(line) for line in layout.paragraph_lines(para.element, d.styles)), default=1
    )
    room = layout.room_of(para.element, d.body)
    ratio = room / text if text else 0
    ok = 0.8 <= ratio <= 1.3
    return Check(
        element, ok, f"đường kẻ dài {ratio:.2f} lần dòng chữ" + ("" if ok else " (cần gần bằng dòng chữ)")
    )


def drawn_rule(element: str, d: Rendered, para: Para | None) -> Check:
    """A short rule under a text, in the text's own paragraph, 1/3 to 1/2 of its longest line."""
    if para is None:
        return Check(element, False, "không tìm thấy dòng chữ")
    rules = [run for paragraph, run in layout.rule_runs(d.root) if paragraph is para.element]
    if not rules:
        follower = d.paras[d.paras.index(para) + 1] if para in d.paras[:-1] else None
        floating = (
            follower is not None
            and not follower.text
            and follower.element.find(f"{W}pPr/{W}pBdr") is not None
        )
        why = (
            "đường kẻ nằm ở đoạn trống riêng bên dưới"
            if floating
            else "không có đường kẻ trong đoạn của dòng chữ"
        )
        return Check(element, False, why)
    line = layout.longest_line(para.element, rules[0], d.styles, layout.room_of(para.element, d.body))
    ratio = layout.rule_length(rules[0]) / line if line else 0
    ok = RULE_RANGE[0] <= ratio <= RULE_RANGE[1]
    return Check(element, ok, f"đường kẻ dài {ratio:.2f} dòng chữ" + ("" if ok else " (cần 1/3 đến 1/2)"))


def title_checks(d: Rendered, state: bool) -> list[Check]:
    kind = d.find(lambda p: p.text == "QUYẾT ĐỊNH" and p.cell is None)
    subject = d.after(kind)[0] if d.after(kind) else None
    start = r"Về việc .+" if state else r"về việc .+"
    return [
        expect(
            "Tên loại (QUYẾT ĐỊNH)",
            kind,
            caps=True,
            bold=True,
            align="center",
            sizes=(13, 14) if state else (15, 16),
        ),
        expect(
            "Trích yếu" + (" (viết hoa chữ đầu)" if state else " (bắt đầu chữ thường)"),
            subject,
            bold=True,
            align="center",
            sizes=(14, 15),
            pattern=start,
        ),
        drawn_rule("Đường kẻ dưới trích yếu (1/3–1/2 dòng chữ)", d, subject),
    ]


def body_checks(d: Rendered, state: bool, config: Config | None) -> list[Check]:
    kind = d.find(lambda p: p.text == "QUYẾT ĐỊNH" and p.cell is None)
    grounds = [p for p in d.paras if p.cell is None and re.match(r"(- )?(Căn cứ|Xét) ", p.text)]
    checks = [grounds_check(grounds, state)]
    if state:
        authority = d.after(kind, 2)[-1] if len(d.after(kind, 2)) == 2 else None
        checks.append(
            expect("Thẩm quyền ban hành (trước căn cứ)", authority, caps=True, bold=True, align="center")
        )
        closing = d.find(lambda p: p.text == "QUYẾT ĐỊNH:")
        checks.append(expect("“QUYẾT ĐỊNH:” sau căn cứ", closing, bold=True, align="center"))
    else:
        authority = d.after(grounds[-1])[0] if grounds and d.after(grounds[-1]) else None
        checks.append(
            expect(
                "Chủ thể quyết định (… QUYẾT ĐỊNH)",
                authority,
                caps=True,
                bold=True,
                align="center",
                pattern=r".+ QUYẾT ĐỊNH",
            )
        )
    articles = [p for p in d.paras if p.cell is None and re.match(r"Điều \d+\.", p.text)]
    checks.append(articles_check(d, articles))
    if state:
        last = articles[-1].text if articles else ""
        checks.append(Check("“./.” sau điều cuối", last.endswith("./."), f"“…{last[-30:]}”"))
    checks.append(quotes_check(d))
    checks.append(counts_check(articles[0].text if articles else "", config))
    return checks


def grounds_check(grounds: list[Para], state: bool) -> Check:
    element = "Căn cứ: " + (
        "nghiêng, không gạch đầu dòng" if state else "“- Căn cứ …;” chữ đứng, dòng cuối “,”"
    )
    if not grounds:
        return Check(element, False, "không tìm thấy")
    wrong = []
    for para in grounds:
        if state and (para.text.startswith("-") or not para.italic):
            wrong.append(para.text[:40])
        if not state and (not para.text.startswith("- ") or not para.upright):
            wrong.append(para.text[:40])
    ends = [para.text[-1] for para in grounds]
    last = "." if state else ","
    if ends[:-1] != [";"] * (len(ends) - 1) or ends[-1] != last:
        wrong.append(f"dấu cuối dòng {''.join(ends)} (cần “;” và dòng cuối “{last}”)")
    return Check(element, not wrong, "; ".join(wrong) or f"{len(grounds)} dòng")


def articles_check(d: Rendered, articles: list[Para]) -> Check:
    element = "Các điều: “Điều n.” in đậm, nội dung căn đều hai bên, cỡ 14–15"
    if len(articles) < 2:
        return Check(element, False, "không tìm thấy các điều")
    wrong = []
    for para in articles:
        first = next(para.element.iter(f"{W}r"))
        style = d.styles.run_style(first, d.styles.paragraph_props(para.element))
        if not style.bold or para.align not in ("both", "distribute"):
            wrong.append(para.text[:8])
        if not all(14 <= size <= 15 for size in para.sizes):
            wrong.append(f"{para.text[:7]} cỡ {sorted(para.sizes)}")
    return Check(element, not wrong, ", ".join(wrong) or f"{len(articles)} điều")


def quotes_check(d: Rendered) -> Check:
    text = "\n".join(para.text for para in d.paras)
    straight, opening, closing = text.count('"'), text.count("“"), text.count("”")
    ok = straight == 0 and opening == closing
    return Check("Một kiểu dấu ngoặc kép (“…”)", ok, f'{straight} dấu ", {opening} “, {closing} ”')


def counts_check(article: str, config: Config | None) -> Check:
    """Every count in Điều 1 in one style, the configured one when the configuration is known."""
    figures = re.findall(r"(\d+) (?:\(|mô hình)", article)
    small = [figure for figure in figures if int(figure) < 10]
    padded = {len(figure) == 2 for figure in small}
    wanted = config.format["counts"] if config is not None else None
    ok = (
        bool(figures) and len(padded) <= 1 and (wanted is None or not small or padded == {wanted == "padded"})
    )
    return Check(
        "Một cách viết số đếm trong Điều 1" + (f" ({wanted})" if wanted else ""), ok, ", ".join(figures)
    )


def closing_checks(d: Rendered, state: bool) -> list[Check]:
    on_behalf = d.find(lambda p: p.cell is not None and re.match(r"(T/M|TM\.|KT\.|K/T) ", p.text) is not None)
    title, name = (d.after(on_behalf, 2) + [None, None])[:2]
    label = d.find(lambda p: p.text == "Nơi nhận:")
    lines = d.after(label, 50)
    checks = [
        expect(
            "Quyền hạn ký (" + ("TM. …" if state else "T/M …") + ")",
            on_behalf,
            caps=True,
            bold=True,
            pattern=r"TM\. .+" if state else r"T/M .+",
        ),
        expect(
            "Chức vụ người ký" + (" (in đậm)" if state else " (chữ đứng, không đậm)"),
            title,
            caps=True,
            bold=state,
            upright=True,
        ),
        expect("Họ tên người ký (in đậm)", name, bold=True),
    ]
    if state:
        checks.append(expect("“Nơi nhận:” nghiêng đậm cỡ 12", label, bold=True, italic=True, sizes=(12, 12)))
    else:
        underlined = label is not None and all(run.underline for run in label.runs)
        checks.append(
            Check(
                "“Nơi nhận:” gạch chân cỡ 14",
                underlined and label is not None and label.sizes == {14},
                label.text if label else "không tìm thấy",
            )
        )
    checks.append(recipients_check(lines, state))
    return checks


def recipients_check(lines: list[Para], state: bool) -> Check:
    element = (
        "Danh sách nơi nhận: “- …;”, dòng cuối “- Lưu"
        + (": VT, ….”" if state else " ….”")
        + (" cỡ 11" if state else " cỡ 12")
    )
    if not lines:
        return Check(element, False, "không tìm thấy")
    size = 11 if state else 12
    wrong = [line.text for line in lines[:-1] if not (line.text.startswith("- ") and line.text.endswith(";"))]
    keep = r"- Lưu: VT.*\." if state else r"- Lưu .+\."
    if not re.fullmatch(keep, lines[-1].text):
        wrong.append(lines[-1].text)
    wrong += [f"cỡ {sorted(line.sizes)}" for line in lines if line.sizes != {size}][:1]
    return Check(element, not wrong, "; ".join(wrong) or f"{len(lines)} dòng")


# ---------------------------------------------------------------------------- the workspace's templates


def specimen_models(config: Config) -> list[Model]:
    """A small campaign in the configured vocabulary: collective models in each rating and an individual,
    names typed with straight quotes as units type them."""
    level, field = config.levels[0].label, config.fields[0].label
    units = config.units.get(config.levels[0].key) or ("Văn phòng",)
    kinds = {term.key: term.label for term in config.types}
    collective, individual = kinds.get("collective", config.types[0].label), kinds.get("individual")
    models = [
        Model(
            f"MAU-{i}",
            name,
            units[i % len(units)],
            level,
            collective,
            field,
            config.ratings[i % len(config.ratings)].label,
        )
        for i, name in enumerate(
            (
                'Tuyến đường "Sáng - Xanh - Sạch - Đẹp"',
                "Chung tay vì người nghèo",
                "Dân vận khéo trong cải cách hành chính",
            )
        )
    ]
    if individual:
        models.append(
            Model(
                "MAU-9",
                "Vận động hội viên tiết kiệm",
                "Nguyễn Thị Mẫu, Chủ tịch Hội",
                level,
                individual,
                field,
                config.ratings[0].label,
            )
        )
    return models


def check_templates(workspace: Workspace) -> dict[str, list[Check]]:
    """Render the workspace's decision template with a specimen campaign (in a temporary folder) and
    check it; a template that cannot be rendered fails with the build's own message."""
    from pipeline import build  # rendering pulls in docxtpl: only when checking templates

    config = workspace.config
    names = [build.TEMPLATES[(kind, config.profile)] for kind in ("decision", "list")]
    with tempfile.TemporaryDirectory(prefix="dvk-format-") as temp:
        specimen = Workspace(Path(temp), config)
        if workspace.templates.is_dir():
            shutil.copytree(workspace.templates, specimen.templates)
        issuer = build.main_issuer(config)
        numbering = build.make_numbering(config, issuer, "QĐ", None, None)
        try:
            documents = build.build_decision_pair(
                specimen, issuer, config.levels[0], specimen_models(config), numbering
            )
        except DvkError as exc:
            return {" + ".join(names): [Check("Điền mẫu quyết định và danh sách", False, str(exc))]}
        return {
            name: check_file(document.path, config) for name, document in zip(names, documents, strict=True)
        }


# ---------------------------------------------------------------------------- the list


def list_checklist(d: Rendered, config: Config | None) -> list[Check]:
    """The Danh sách: the header of its profile without number and date, its title block, and a table
    whose headings repeat on every page and never wrap (issue 15)."""
    state = d.profile == "state"
    title = d.find(lambda p: p.text == "DANH SÁCH" and p.cell is None)
    subject, attached = (d.after(title, 2) + [None, None])[:2]
    return [
        *page_checks(d, config, "DS"),
        *header_checks(d, state, numbered=False),
        expect("Tên loại (DANH SÁCH)", title, caps=True, bold=True, align="center"),
        expect("Trích yếu của danh sách", subject, bold=True, align="center"),
        expect(
            "Dòng “(Kèm theo Quyết định …)” nghiêng",
            attached,
            italic=True,
            pattern=r"\(Kèm theo Quyết định .+\)",
        ),
        drawn_rule("Đường kẻ dưới dòng “(Kèm theo …)” (1/3–1/2 dòng chữ)", d, attached),
        name_kept_together(attached),
        *table_checks(d),
    ]


def name_kept_together(attached: Para | None) -> Check:
    """The citing body's name after "của" cannot be broken across lines (no-break spaces)."""
    element = "Tên cơ quan trong dòng “(Kèm theo …)” không bị ngắt dòng"
    if attached is None or " của " not in attached.text:
        return Check(element, False, "không tìm thấy")
    name = attached.text.rsplit(" của ", 1)[1]
    return Check(element, " " not in name, f"“{name.replace(chr(0xA0), ' ')}”")


def table_checks(d: Rendered) -> list[Check]:
    """The list table: headings repeated on each page, each heading on one line, inside the page."""
    table = next(
        (t for t in d.body.findall(f"{W}tbl") if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None), None
    )
    if table is None:
        return [Check("Bảng danh sách có hàng tiêu đề lặp lại mỗi trang", False, "không tìm thấy")]
    widths = [int(col.get(f"{W}w", "0")) / 20 for col in table.findall(f"{W}tblGrid/{W}gridCol")]
    padding = layout.cell_margins(table)
    wrapped = []
    for cell, width in zip(table.find(f"{W}tr").findall(f"{W}tc"), widths, strict=False):
        lines = [line for p in cell.findall(f"{W}p") for line in layout.paragraph_lines(p, d.styles)]
        if len(lines) > 1 or any(layout.line_width(line) > width - padding for line in lines):
            wrapped.append("".join(text for line in lines for text, _ in line))
    room = layout.body_width(d.body) - layout._twips(table.find(f"{W}tblPr/{W}tblInd"), "w") / 20
    return [
        Check("Bảng danh sách có hàng tiêu đề lặp lại mỗi trang", True, f"{len(widths)} cột"),
        Check("Tiêu đề cột không xuống dòng", not wrapped, ", ".join(wrapped) or "mỗi tiêu đề một dòng"),
        Check(
            "Bảng nằm trong lề trang",
            sum(widths) <= room + 1,
            f"bảng rộng {sum(widths) / 72 * 25.4:.0f} mm, vùng chữ {room / 72 * 25.4:.0f} mm",
        ),
    ]
