"""A blind corpus for the extraction benchmark: Word files written as other units and provinces write them.

Run: python -m corpora.blind_corpus OUTDIR --files 300 --seed 7 [--libreoffice-share 0.1]

Written independently of the recognizer (issue 10): the labels come from this module's own table (LABELS),
drawn from forms that units and other provinces hand in, never from `pipeline`'s vocabulary. Only the VALUES
of the vocabulary fields (levels, types, fields, ratings and their synonyms) are read from the configuration
file `pipeline/defaults/dvk.toml`, because a file must say something the configuration knows to be valid.

OUTDIR/manifest.json lists every file with its kind, layout, writer ("word", or "libreoffice" when re-saved by
`soffice --convert-to docx`), the ground truth per field (vocabulary fields as the configured label, model
names without their quotes, several paragraphs joined with "\\n"), the fields left unscored (a compound label
such as "Địa bàn, đối tượng" holding two fields whose split is a matter of taste), the label spelling used for
each field, and the value as written.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

CONFIG_FILE = Path(__file__).resolve().parent.parent / "pipeline" / "defaults" / "dvk.toml"
YEAR = "2020"

# ----------------------------------------------------------------------------------------------- label table
# Spellings seen on forms from other units and provinces; "reg"/"prop" variants where a registration and a
# proposal report word the same field differently. Each required field has at least ten spellings.
LABELS: dict[str, list[str]] = {
    "model_name": [
        "Tên mô hình",
        "Tên mô hình/điển hình",
        "Tên mô hình, điển hình",
        "Tên mô hình “Dân vận khéo”",
        "Tên mô hình đề nghị công nhận",
        "Tên gọi của mô hình",
        "Tên điển hình “Dân vận khéo”",
        "Tên mô hình (ghi rõ)",
        "Tên mô hình Dân vận khéo năm 2020",
        "Tên mô hình, điển hình tiên tiến",
        "Tên mô hình thi đua",
        "Tên mô hình đăng ký",
    ],
    "unit": [
        "Đơn vị thực hiện",
        "Đơn vị (cá nhân) thực hiện",
        "Tập thể/cá nhân thực hiện",
        "Tên đơn vị",
        "Cơ quan, đơn vị thực hiện",
        "Tập thể thực hiện",
        "Đơn vị đề nghị",
        "Đơn vị chủ trì thực hiện",
        "Tên tập thể",
        "Đơn vị/tập thể thực hiện",
        "Cơ quan chủ trì",
        "Chi bộ, đơn vị thực hiện mô hình",
    ],
    "person_name": [
        "Họ và tên",
        "Họ tên",
        "Họ và tên người thực hiện",
        "Cá nhân thực hiện",
        "Họ và tên cá nhân",
        "Người thực hiện",
        "Tên cá nhân",
        "Họ, tên người thực hiện mô hình",
        "Họ và tên tác giả mô hình",
        "Họ tên cá nhân thực hiện",
        "Cá nhân đề nghị công nhận",
    ],
    "person_position": [
        "Chức vụ",
        "Chức danh",
        "Chức vụ hiện nay",
        "Chức vụ, chức danh",
        "Chức vụ đang đảm nhiệm",
    ],
    "person_unit": [
        "Đơn vị công tác",
        "Nơi công tác",
        "Cơ quan công tác",
        "Đơn vị",
        "Cơ quan, đơn vị công tác",
    ],
    "level": [
        "Cấp công nhận",
        "Cấp đề nghị công nhận",
        "Đề nghị công nhận cấp",
        "Cấp độ mô hình",
        "Cấp quản lý mô hình",
        "Mô hình cấp",
        "Cấp công nhận đề nghị",
        "Đăng ký công nhận ở cấp",
        "Cấp xét công nhận",
        "Cấp (thành phố/xã, phường)",
        "Cấp đăng ký",
    ],
    "model_type": [
        "Loại mô hình",
        "Loại hình",
        "Hình thức mô hình",
        "Mô hình tập thể hay cá nhân",
        "Loại mô hình (tập thể/cá nhân)",
        "Loại điển hình",
        "Phân loại mô hình",
        "Mô hình thuộc loại",
        "Kiểu mô hình",
        "Thể loại mô hình",
    ],
    "field": [
        "Lĩnh vực",
        "Lĩnh vực thực hiện",
        "Thuộc lĩnh vực",
        "Lĩnh vực đăng ký",
        "Lĩnh vực mô hình",
        "Lĩnh vực hoạt động",
        "Mô hình thuộc lĩnh vực",
        "Lĩnh vực (kinh tế, văn hóa - xã hội, quốc phòng - an ninh, xây dựng hệ thống chính trị)",
        "Trên lĩnh vực",
        "Lĩnh vực thi đua",
        "Nhóm lĩnh vực",
    ],
    "results": [
        "Kết quả đạt được",
        "Những kết quả đạt được",
        "Sản phẩm, kết quả đạt được",
        "Kết quả thực hiện",
        "Kết quả thực hiện mô hình",
        "Hiệu quả đạt được",
        "Kết quả, hiệu quả",
        "Kết quả cụ thể",
        "Hiệu quả mô hình mang lại",
        "Sản phẩm, kết quả đầu ra",
        "Kết quả đạt được (có số liệu cụ thể)",
        "Kết quả sau thời gian thực hiện",
    ],
    "results_reg": [
        "Dự kiến kết quả",
        "Kết quả dự kiến",
        "Sản phẩm dự kiến",
        "Dự kiến kết quả đạt được",
        "Kết quả dự kiến đạt được",
        "Sản phẩm, kết quả dự kiến",
    ],
    "proposed_rating": [
        "Tự đánh giá",
        "Tự đánh giá, xếp loại",
        "Đề nghị xếp loại",
        "Tự đánh giá, đề nghị xếp loại",
        "Xếp loại đề nghị",
        "Đơn vị tự xếp loại",
        "Tự xếp loại",
        "Mức xếp loại đề nghị",
        "Kết quả tự đánh giá",
        "Tự chấm, xếp loại",
        "Đánh giá chung, xếp loại",
        "Đề xuất xếp loại",
    ],
    "year": ["Năm thực hiện", "Năm", "Năm đăng ký", "Năm đề nghị công nhận"],
    "period": ["Thời gian thực hiện", "Thời gian triển khai", "Thời gian thực hiện mô hình", "Thời gian"],
    "period_reg": ["Thời gian dự kiến thực hiện", "Thời gian thực hiện", "Thời gian đăng ký thực hiện"],
    "place": ["Địa bàn thực hiện", "Địa bàn", "Phạm vi thực hiện", "Địa điểm thực hiện"],
    "target_group": ["Đối tượng", "Đối tượng tác động", "Đối tượng vận động", "Đối tượng hưởng lợi"],
    "content": [
        "Nội dung, cách thức thực hiện",
        "Cách làm",
        "Nội dung và cách làm",
        "Cách thức thực hiện",
        "Giải pháp thực hiện",
        "Nội dung thực hiện",
    ],
    "forces": ["Lực lượng tham gia", "Lực lượng thực hiện", "Lực lượng"],
    "resources": ["Nguồn lực", "Kinh phí, nguồn lực", "Nguồn lực huy động"],
    "replicability": [
        "Khả năng duy trì, nhân rộng",
        "Tính lan tỏa, khả năng nhân rộng",
        "Khả năng nhân rộng",
        "Khả năng duy trì và nhân rộng mô hình",
    ],
}
# Compound labels that hold two fields at once: (label, first field, second field, separator in the value).
COMPOUNDS = {
    "place": (["Địa bàn, đối tượng", "Địa bàn và đối tượng thực hiện", "Phạm vi, đối tượng"], "target_group"),
    "forces": (["Lực lượng, nguồn lực", "Lực lượng và nguồn lực"], "resources"),
    "person_position": (["Chức vụ, đơn vị công tác", "Chức vụ, nơi công tác"], "person_unit"),
}
# Foreign content-control tag schemes: how other provinces' templates name their controls.
TAGS = {
    "model_name": ["ten_mo_hinh", "TenMoHinh", "txtTenMH", "Tên mô hình", "MH_Ten"],
    "unit": ["don_vi", "DonVi", "don vi", "txtDonVi", "Đơn vị"],
    "person_name": ["ho_ten", "HoTen", "txtHoTen", "Họ tên"],
    "person_position": ["chuc_vu", "ChucVu", "txtChucVu", "Chức vụ"],
    "person_unit": ["don_vi_cong_tac", "DonViCongTac", "noi_cong_tac", "Đơn vị công tác"],
    "level": ["cap", "CapCongNhan", "cap_cong_nhan", "Cấp"],
    "model_type": ["loai", "LoaiMoHinh", "loai_mo_hinh", "Loại"],
    "field": ["linh_vuc", "LinhVuc", "ddlLinhVuc", "Lĩnh vực"],
    "results": ["ket_qua", "KetQua", "txtKetQua", "Kết quả"],
    "proposed_rating": ["xep_loai", "XepLoai", "tu_danh_gia", "Xếp loại"],
    "period": ["thoi_gian", "ThoiGian", "Thời gian"],
    "content": ["noi_dung", "NoiDung", "cach_lam", "Nội dung"],
    "replicability": ["nhan_rong", "NhanRong", "Nhân rộng"],
}
NUMBERINGS = ["{n}. ", "{n}) ", "{a}) ", "- ", "", "+ ", "{r}. ", "* "]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI"]

# ----------------------------------------------------------------------------------------------- value tables
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
MIDDLE = ["Văn", "Thị", "Hoàng", "Minh", "Thanh", "Ngọc", "Hữu", "Kim", "Quốc", "Thị Kim", "Văn Út"]
GIVEN = ["Tâm", "Hùng", "Dũng", "Tuấn", "Sơn", "Bình", "Lợi", "Khải", "Phước", "Nghĩa"]
GIVEN_FEMALE = ["Lan", "Phượng", "Hạnh", "Nga", "Thảo", "Nhàn", "Tuyết", "Hồng"]
PLACES = [
    "khu vực 1",
    "khu vực 3",
    "khu vực 4",
    "ấp Mang Cá",
    "ấp Xẻo Vông B",
    "ấp Tân Long",
    "khu vực Đông Bình",
]
ACTIVITIES = [
    "Dân vận khéo trong vận động nhân dân hiến đất làm đường giao thông nông thôn",
    "Chi hội phụ nữ tiết kiệm giúp nhau thoát nghèo",
    "Tổ tự quản an ninh trật tự",
    "Mái ấm tình thương cho hội viên nghèo",
    "Ngày thứ bảy vì người nghèo",
    "Tuyến đường hoa, đèn chiếu sáng",
    "Nâng cao chất lượng tiếp công dân, giải quyết thủ tục hành chính",
    "Dân vận khéo trong thu gom, xử lý rác thải sinh hoạt",
    "Nuôi heo đất giúp học sinh nghèo đến trường",
    "Camera an ninh, giám sát trật tự",
    "Bữa cơm nghĩa tình",
    "Chợ văn minh, thương nhân thân thiện",
    "Phiên chợ 0 đồng",
    "Xây dựng khu dân cư kiểu mẫu",
    "Tổ hợp tác trồng khóm an toàn",
    "Cựu chiến binh giúp nhau làm kinh tế",
    "Thanh niên tình nguyện sửa chữa nhà cho gia đình chính sách",
    "Vận động hội viên nuôi cá ruộng lúa",
    "Dân vận khéo trong tuyên truyền phòng, chống dịch Covid-19",
    "Sáng thứ hai xanh",
    "Góc học tập cho con em hộ nghèo",
    "Giúp người lao động tiếp cận vốn vay ưu đãi",
]
POSITIONS = [
    "Bí thư Chi bộ khu vực 2",
    "Trưởng ấp Mang Cá",
    "Chủ tịch Hội Nông dân xã Tân Thành",
    "Công an viên",
    "Giáo viên Trường Tiểu học Lái Hiếu",
    "Tổ trưởng tổ tự quản",
    "Phó Trưởng phòng Kinh tế",
    "Chi hội trưởng Chi hội Phụ nữ khu vực 1",
    "Trưởng Ban công tác Mặt trận khu vực 4",
    "Cán bộ Văn phòng - Thống kê",
]
CHI_BO = [
    "Chi bộ khu vực 1, phường Ngã Bảy",
    "Chi bộ ấp Mang Cá, xã Đại Thành",
    "Chi bộ khu vực 4, phường Lái Hiếu",
]
RESULT_LINES = [
    "Vận động {a} hộ hiến {b}.{c}00 m² đất, làm mới {d},{e} km đường bê tông.",
    "Huy động {a}{b} triệu đồng và {c}{d}0 ngày công lao động.",
    "Giúp {a} hộ thoát nghèo, {b} hộ có việc làm ổn định.",
    "Tổ chức {a} buổi tuyên truyền với hơn {b}{c}0 lượt người tham dự.",
    "Lắp đặt {a} đèn chiếu sáng, trồng {b}{c}0 cây xanh dọc tuyến đường.",
    "Trao {a} căn nhà tình thương, trị giá {b}{c}0 triệu đồng.",
    "Tình hình an ninh trật tự ổn định, giảm {a}{b}% số vụ việc so với năm 2019.",
    "{a}{b}% hộ dân phân loại rác tại nguồn; không còn điểm tồn đọng rác.",
    "Giải quyết đúng hạn {a}{b}{c} hồ sơ, không có hồ sơ trễ hạn.",
]
CONTENT_LINES = [
    "Chi bộ ban hành nghị quyết chuyên đề, phân công đảng viên phụ trách từng tổ dân cư.",
    "Tổ chức họp dân lấy ý kiến, công khai dự toán và danh sách hộ đóng góp.",
    "Phối hợp Ban công tác Mặt trận và các đoàn thể vận động từng hộ gia đình.",
    "Đảng viên gương mẫu thực hiện trước, người dân làm theo.",
    "Sơ kết hằng quý, kịp thời biểu dương cá nhân, hộ gia đình tiêu biểu.",
]
TARGETS = [
    "hộ nghèo, cận nghèo",
    "hội viên phụ nữ",
    "nhân dân trong khu vực",
    "thanh thiếu niên",
    "tiểu thương",
]
FORCES = ["Đảng viên, đoàn viên, hội viên", "Cán bộ, công chức phường", "Tổ tự quản và nhân dân"]
RESOURCES = ["Ngân sách hỗ trợ và nhân dân đóng góp", "Vốn xã hội hóa", "Nguồn quỹ hội và mạnh thường quân"]
REPLICABILITY = [
    "Mô hình dễ làm, ít tốn kém, có thể nhân rộng ra các khu vực khác trên địa bàn.",
    "Mô hình được duy trì thường xuyên, đã nhân rộng ra 03 ấp lân cận.",
    "Có khả năng duy trì lâu dài và nhân rộng trong toàn thành phố.",
]


@dataclass
class Vocab:
    """Configured terms: label -> the spellings a writer may use (the label itself, its synonyms)."""

    levels: dict[str, dict[str, list[str]]]  # level key -> {"label": [label], "spellings": [...]}
    types: dict[str, tuple[str, list[str]]]
    fields: list[tuple[str, list[str]]]
    ratings: list[tuple[str, list[str]]]
    units: dict[str, list[str]]


def load_vocab(path: Path = CONFIG_FILE) -> Vocab:
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def terms(name: str) -> list[tuple[str, list[str]]]:
        return [(t["label"], [t["label"], *t.get("synonyms", [])]) for t in data[name]]

    levels = {
        t["key"]: {"label": [t["label"]], "spellings": [t["label"], *t["synonyms"]]} for t in data["levels"]
    }
    types = {t["key"]: (t["label"], [t["label"], *t["synonyms"]]) for t in data["types"]}
    return Vocab(levels, types, terms("fields"), terms("ratings"), dict(data["units"]))


# Extra writings of the field labels that real files use (en dash, old tone placement); same term.
FIELD_WRITINGS = {"Văn hóa - xã hội": ["văn hoá – xã hội", "Văn hóa – Xã hội"], "Kinh tế": ["Kinh tế"]}


@dataclass
class Item:
    """One field as written: its key(s), the label spelling, the value lines as written."""

    keys: tuple[str, ...]
    label: str
    lines: list[str]


@dataclass
class Entry:
    kind: str
    individual: bool
    truth: dict[str, str] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    unscored: set[str] = field(default_factory=set)
    items: list[Item] = field(default_factory=list)
    unit: str = ""
    signer: str = ""
    level_key: str = ""


def person_name(rng: random.Random) -> str:
    middle = rng.choice(MIDDLE)
    given = rng.choice(GIVEN_FEMALE if "Thị" in middle else GIVEN + GIVEN_FEMALE)
    return f"{rng.choice(FAMILY)} {middle} {given}"


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def figures(rng: random.Random, template: str) -> str:
    return template.format(**{k: rng.randint(1, 9) for k in "abcde"})


def add(entry: Entry, key: str, label: str, truth: str, written: str | None = None, lines=None) -> None:
    entry.truth[key], entry.written[key], entry.labels[key] = truth, written or truth, label
    entry.items.append(Item((key,), label, lines or [written or truth]))


def pick_label(rng: random.Random, entry: Entry, key: str) -> str:
    if entry.kind == "registration" and f"{key}_reg" in LABELS and rng.random() < 0.8:
        return rng.choice(LABELS[f"{key}_reg"])
    choices = [s for s in LABELS[key] if not (entry.kind == "registration" and "đề nghị" in s.lower())]
    if entry.kind == "proposal":
        choices = [s for s in choices if "đăng ký" not in s.lower()] or choices
    return rng.choice(choices)


def quoted(rng: random.Random, name: str) -> str:
    return rng.choice(["“{}”", '"{}"', "{}", "“{}”", "{}"]).format(name)


def identity_items(rng: random.Random, entry: Entry, vocab: Vocab) -> None:
    """Model name, then the unit, or for an individual model the person, the position and the unit."""
    name = rng.choice(ACTIVITIES)
    if rng.random() < 0.3:
        name = f"{name} {rng.choice(PLACES)}"
    add(entry, "model_name", pick_label(rng, entry, "model_name"), name, quoted(rng, name))
    if not entry.individual:
        add(entry, "unit", pick_label(rng, entry, "unit"), entry.unit)
        return
    add(entry, "person_name", pick_label(rng, entry, "person_name"), person_name(rng))
    position = rng.choice(POSITIONS)
    if rng.random() < 0.2:
        label = rng.choice(COMPOUNDS["person_position"][0])
        entry.truth.update(person_position=position, unit=entry.unit)
        entry.labels.update(person_position=label, unit=label)
        entry.written.update(person_position=position, unit=entry.unit)
        entry.items.append(Item(("person_position", "unit"), label, [f"{position}, {entry.unit}"]))
        return
    add(entry, "person_position", rng.choice(LABELS["person_position"]), position)
    add(entry, "unit", rng.choice(LABELS["person_unit"]), entry.unit)


def vocab_items(rng: random.Random, entry: Entry, vocab: Vocab) -> None:
    level = vocab.levels[entry.level_key]
    label = pick_label(rng, entry, "level")
    spellings = level["spellings"]
    if label.lower().endswith(" cấp") or label == "Mô hình cấp":  # "Đề nghị công nhận cấp: thành phố"
        spellings = [s for s in spellings if not s.lower().startswith("cấp")] or spellings
    add(entry, "level", label, level["label"][0], rng.choice(spellings))
    type_label, type_spellings = vocab.types["individual" if entry.individual else "collective"]
    add(entry, "model_type", pick_label(rng, entry, "model_type"), type_label, rng.choice(type_spellings))
    field_label, field_spellings = rng.choice(vocab.fields)
    written = rng.choice(field_spellings + FIELD_WRITINGS.get(field_label, []))
    add(entry, "field", pick_label(rng, entry, "field"), field_label, written)
    if rng.random() < 0.3:
        add(entry, "year", rng.choice(LABELS["year"]), YEAR)
    else:
        entry.truth["year"] = YEAR  # stated in the title and the date line


def detail_items(rng: random.Random, entry: Entry, vocab: Vocab) -> None:
    """The optional fields, in the conventional order; some as a compound label holding two fields."""
    if rng.random() < 0.7:
        start = rng.randint(1, 4)
        period = f"Từ tháng {start:02d}/{YEAR} đến tháng {rng.randint(9, 12)}/{YEAR}"
        add(entry, "period", pick_label(rng, entry, "period"), period)
    communes = [c for c in vocab.units["commune"] if c.lower() in entry.unit.lower()] or vocab.units[
        "commune"
    ]
    place = rng.choice(["", f"{sentence_case(rng.choice(PLACES))}, "]) + rng.choice(communes)
    compound_pair(rng, entry, "place", place, sentence_case(rng.choice(TARGETS)))
    if rng.random() < 0.8:
        lines = rng.sample(CONTENT_LINES, rng.randint(1, 3))
        add(entry, "content", pick_label(rng, entry, "content"), "\n".join(lines), lines[0], lines)
    if rng.random() < 0.5:
        compound_pair(rng, entry, "forces", rng.choice(FORCES), rng.choice(RESOURCES))


def compound_pair(rng: random.Random, entry: Entry, first: str, value1: str, value2: str) -> None:
    labels, second = COMPOUNDS[first]
    if rng.random() < 0.35:
        label = rng.choice(labels)
        entry.unscored.update((first, second))
        entry.labels.update({first: label, second: label})
        entry.items.append(Item((first, second), label, [f"{value1}; {value2.lower()}"]))
        return
    if rng.random() < 0.8:
        add(entry, first, rng.choice(LABELS[first]), value1)
    if rng.random() < 0.8:
        add(entry, second, rng.choice(LABELS[second]), value2)


def outcome_items(rng: random.Random, entry: Entry, vocab: Vocab) -> None:
    lines = [figures(rng, t) for t in rng.sample(RESULT_LINES, rng.randint(1, 3))]
    if entry.kind == "registration":
        lines = [
            line.replace("Vận động", "Phấn đấu vận động").replace("Giúp", "Phấn đấu giúp") for line in lines
        ]
    add(entry, "results", pick_label(rng, entry, "results"), "\n".join(lines), lines[0], lines)
    if entry.kind == "registration":
        return
    if rng.random() < 0.6:
        add(entry, "replicability", rng.choice(LABELS["replicability"]), rng.choice(REPLICABILITY))
    rating, spellings = rng.choice(vocab.ratings)
    add(entry, "proposed_rating", pick_label(rng, entry, "proposed_rating"), rating, rng.choice(spellings))


def make_entry(rng: random.Random, vocab: Vocab) -> Entry:
    kind = "registration" if rng.random() < 0.25 else "proposal"
    entry = Entry(kind=kind, individual=rng.random() < 0.25)
    entry.level_key = rng.choice(["city", "commune"])
    if entry.level_key == "commune" or entry.individual:
        entry.unit = rng.choice(vocab.units["commune"] + (CHI_BO if not entry.individual else []))
    else:
        entry.unit = rng.choice(vocab.units["city"])
    entry.signer = person_name(rng)
    identity_items(rng, entry, vocab)
    vocab_items(rng, entry, vocab)
    detail_items(rng, entry, vocab)
    outcome_items(rng, entry, vocab)
    if not entry.individual:
        entry.truth["signer"] = entry.signer
    else:
        entry.unscored.add("signer")  # two signature blocks: the person and the head who confirms
    return entry


# ----------------------------------------------------------------------------------------------- Word writing
LAYOUTS = ("paragraphs", "next_line", "headings", "table2", "table3", "row_below", "controls")
PARENTS = {
    "party": ("ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY", "ĐẢNG CỘNG SẢN VIỆT NAM", ""),
    "state": ("UBND THÀNH PHỐ NGÃ BẢY", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
}
TITLES = {
    "proposal": [
        ("BÁO CÁO", "Kết quả thực hiện mô hình “Dân vận khéo” năm {y}"),
        ("BÁO CÁO", "Đề nghị công nhận mô hình “Dân vận khéo” năm {y}"),
        ("BÁO CÁO ĐỀ NGHỊ CÔNG NHẬN", "MÔ HÌNH “DÂN VẬN KHÉO” NĂM {y}"),
        ("BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận điển hình “Dân vận khéo” năm {y}"),
        ("TỜ TRÌNH", "V/v đề nghị công nhận mô hình “Dân vận khéo” năm {y}"),
    ],
    "registration": [
        ("PHIẾU ĐĂNG KÝ", "Xây dựng mô hình “Dân vận khéo” năm {y}"),
        ("BẢN ĐĂNG KÝ", "MÔ HÌNH “DÂN VẬN KHÉO” NĂM {y}"),
        ("ĐĂNG KÝ", "Xây dựng mô hình, điển hình “Dân vận khéo” năm {y}"),
    ],
}
INTROS = {
    "proposal": "Thực hiện Kế hoạch số {n}-KH/TU ngày 12/3/{y} của Ban Thường vụ Thành ủy về thực hiện "
    "phong trào thi đua “Dân vận khéo” năm {y}, {who} báo cáo kết quả thực hiện mô hình như sau:",
    "registration": "Thực hiện Hướng dẫn số {n}-HD/BDVTU của Ban Dân vận Thành ủy về xây dựng mô hình "
    "“Dân vận khéo” năm {y}, {who} đăng ký xây dựng mô hình với nội dung như sau:",
}
CLOSINGS = {
    "proposal": "Trên đây là báo cáo kết quả thực hiện mô hình “Dân vận khéo” năm {y} của {who}, kính "
    "đề nghị Ban Thường vụ Thành ủy xem xét, công nhận./.",
    "registration": "Trên đây là nội dung đăng ký xây dựng mô hình “Dân vận khéo” năm {y} của {who}./.",
}


def new_document() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    return doc


def runs(rng: random.Random, paragraph, text: str, bold: bool = False, italic: bool = False) -> None:
    """Add text as Word does after editing: often split into several runs at word boundaries."""
    words = text.split(" ")
    cuts = (
        sorted(rng.sample(range(1, len(words)), min(len(words) - 1, rng.randint(0, 2))))
        if len(words) > 1
        else []
    )
    for start, end in zip([0, *cuts], [*cuts, len(words)], strict=True):
        piece = " ".join(words[start:end]) + (" " if end < len(words) else "")
        run = paragraph.add_run(piece)
        run.bold, run.italic = bold or None, italic or None


def line(
    rng, container, text: str = "", bold=False, italic=False, center=False, prefix: str = "", pbold=False
):
    paragraph = container.add_paragraph()
    if prefix:
        runs(rng, paragraph, prefix, bold=pbold)
    if text:
        runs(rng, paragraph, text, bold=bold, italic=italic)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def cell_text(rng, cell, texts: list[str], bold=False, center=False) -> None:
    """Fill a table cell with one paragraph per text (the cell's own empty paragraph is reused)."""
    first = cell.paragraphs[0]
    for i, text in enumerate(texts):
        paragraph = first if i == 0 else cell.add_paragraph()
        runs(rng, paragraph, text, bold=bold)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)


def unit_style(rng: random.Random, unit: str) -> tuple[str, str, str, str, str]:
    """How a unit heads and signs its papers: (parent, own line, symbol, on behalf of, signer's title)."""
    if unit.startswith("Chi bộ"):
        parent = "ĐẢNG BỘ " + unit.split(", ")[-1].upper() if ", " in unit else "ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY"
        return parent, unit.split(", ")[0].upper(), "CB", "T/M CHI BỘ", "BÍ THƯ"
    if unit.startswith(("Phường", "Xã")):
        if rng.random() < 0.5:
            return (
                "ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY",
                f"ĐẢNG ỦY {unit.upper()}",
                "ĐU",
                "T/M ĐẢNG ỦY",
                rng.choice(["BÍ THƯ", "PHÓ BÍ THƯ"]),
            )
        return "UBND THÀNH PHỐ NGÃ BẢY", f"UBND {unit.upper()}", "UBND", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    if unit.startswith("Phòng"):
        return "UBND THÀNH PHỐ NGÃ BẢY", unit.upper(), "P", "", "TRƯỞNG PHÒNG"
    if unit.startswith(("Hội", "Thành đoàn", "Liên đoàn", "Ủy ban Mặt trận")):
        title = "BÍ THƯ" if unit.startswith("Thành đoàn") else "CHỦ TỊCH"
        return "THÀNH PHỐ NGÃ BẢY", unit.upper(), "HĐ", "T/M BAN THƯỜNG VỤ", title
    if unit.endswith("Thành ủy"):
        title = {"Văn phòng": "CHÁNH VĂN PHÒNG", "Ủy ban": "CHỦ NHIỆM"}.get(unit.split(" ")[0], "TRƯỞNG BAN")
        return "ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY", unit.upper(), "TU", "", title
    return "UBND THÀNH PHỐ NGÃ BẢY", unit.upper(), "ĐV", "", "THỦ TRƯỞNG ĐƠN VỊ"


def letterhead(rng: random.Random, doc, entry: Entry, style: tuple) -> str:
    """The two-column heading block; returns how the writer calls itself in the text."""
    parent, own, symbol, _, _ = style
    party = parent.startswith("ĐẢNG BỘ")
    nation, motto = (
        ("ĐẢNG CỘNG SẢN VIỆT NAM", "")
        if party
        else ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    )
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    left = [parent, own, "*"] if party else [parent, own]
    left.append(f"Số: {rng.randint(3, 98):02d}-{'BC' if entry.kind == 'proposal' else 'ĐK'}/{symbol}")
    cell_text(rng, table.cell(0, 0), left, center=True)
    date = f"Ngã Bảy, ngày {rng.randint(1, 28):02d} tháng {rng.randint(8, 11):02d} năm {YEAR}"
    cell_text(rng, table.cell(0, 1), [t for t in (nation, motto, date) if t], center=True)
    return entry.unit if not entry.individual else "tôi"


def title_block(rng: random.Random, doc, entry: Entry, who: str) -> None:
    first, second = rng.choice(TITLES[entry.kind])
    line(rng, doc, "")
    line(rng, doc, first, bold=True, center=True)
    line(rng, doc, second.format(y=YEAR), bold=True, center=True)
    line(rng, doc, "-----", center=True)
    if rng.random() < 0.7:
        addressee = (
            "Ban Thường vụ Thành ủy Ngã Bảy" if entry.kind == "proposal" else "Ban Dân vận Thành ủy Ngã Bảy"
        )
        line(rng, doc, f"Kính gửi: {addressee}.", center=True)
    if rng.random() < 0.8:
        line(rng, doc, INTROS[entry.kind].format(n=rng.randint(10, 90), y=YEAR, who=who))


def closing_block(rng: random.Random, doc, entry: Entry, who: str, style: tuple) -> None:
    line(rng, doc, CLOSINGS[entry.kind].format(y=YEAR, who=who))
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    if entry.individual:
        cell_text(
            rng,
            table.cell(0, 0),
            ["XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)", "", entry.signer],
            center=True,
        )
        writer = "NGƯỜI BÁO CÁO" if entry.kind == "proposal" else "NGƯỜI ĐĂNG KÝ"
        cell_text(
            rng,
            table.cell(0, 1),
            [writer, "(Ký, ghi rõ họ tên)", "", entry.truth["person_name"]],
            center=True,
        )
        return
    cell_text(rng, table.cell(0, 0), ["Nơi nhận:", "- Ban Dân vận Thành ủy;", "- Lưu."])
    _, _, _, on_behalf, title = style
    signature = [t for t in (on_behalf, title) if t] + [
        rng.choice(["(Đã ký)", "", "(Ký tên, đóng dấu)"]),
        "",
        entry.signer,
    ]
    cell_text(rng, table.cell(0, 1), signature, center=True)


def numberer(rng: random.Random):
    """One numbering habit per document: "1. ", "a) ", "- ", none …; returns prefix(i)."""
    pattern = rng.choice(NUMBERINGS)
    return lambda i: pattern.format(n=i + 1, a="abcdefghiklmnopqrstuvxy"[i % 23], r=ROMAN[i % len(ROMAN)])


def colon(rng: random.Random) -> str:
    return rng.choice([": ", ": ", ": ", " : ", ":  "])


def write_paragraphs(rng: random.Random, doc, entry: Entry) -> None:
    """Paragraphs "1. Label: value"; further paragraphs of a long value below it."""
    prefix, sep, bold = numberer(rng), colon(rng), rng.random() < 0.5
    shout = rng.random() < 0.1  # some writers type every label in capitals
    for i, item in enumerate(entry.items):
        label = item.label.upper() if shout else item.label
        line(rng, doc, item.lines[0], prefix=f"{prefix(i)}{label}{sep}", pbold=bold)
        for extra in item.lines[1:]:
            line(rng, doc, extra)


def write_next_line(rng: random.Random, doc, entry: Entry) -> None:
    """Labels on their own line, the value in the paragraph(s) below; short values sometimes inline."""
    prefix, ending, bold = numberer(rng), rng.choice([":", "", ":"]), rng.random() < 0.6
    inline_share = rng.choice([0.0, 0.3, 0.5])
    for i, item in enumerate(entry.items):
        if len(item.lines) == 1 and rng.random() < inline_share:
            line(rng, doc, item.lines[0], prefix=f"{prefix(i)}{item.label}: ", pbold=bold)
            continue
        line(rng, doc, f"{prefix(i)}{item.label}{ending}", bold=bold)
        for text in item.lines:
            line(rng, doc, text)


SECTION_ONE = ["I. THÔNG TIN CHUNG", "I. THÔNG TIN VỀ MÔ HÌNH", "I. KHÁI QUÁT CHUNG", "I. SƠ LƯỢC VỀ MÔ HÌNH"]
PROCESS_HEADINGS = [
    "QUÁ TRÌNH TRIỂN KHAI VÀ KẾT QUẢ",
    "TỔ CHỨC THỰC HIỆN VÀ KẾT QUẢ ĐẠT ĐƯỢC",
    "QUÁ TRÌNH THỰC HIỆN",
]
LONG_FIELDS = ("content", "results", "replicability", "proposed_rating")


def write_headings(rng: random.Random, doc, entry: Entry) -> None:
    """An uppercase section of sub-items, then the long fields as uppercase headings with the value below, or
    as numbered sub-items under a process heading."""
    short = [item for item in entry.items if item.keys[0] not in LONG_FIELDS]
    long = [item for item in entry.items if item.keys[0] in LONG_FIELDS]
    line(rng, doc, rng.choice(SECTION_ONE), bold=True)
    prefix, sep = numberer(rng), colon(rng)
    for i, item in enumerate(short):
        line(rng, doc, item.lines[0], prefix=f"{prefix(i)}{item.label}{sep}")
    section = 1
    grouped = [item for item in long if item.keys[0] in ("content", "results")]
    if len(grouped) == 2 and rng.random() < 0.5:
        section += 1
        line(rng, doc, f"{ROMAN[section - 1]}. {rng.choice(PROCESS_HEADINGS)}", bold=True)
        for i, item in enumerate(grouped):
            line(rng, doc, f"{i + 1}. {item.label}", bold=rng.random() < 0.5)
            for text in item.lines:
                line(rng, doc, text)
        long = [item for item in long if item not in grouped]
    for item in long:
        section += 1
        line(rng, doc, f"{ROMAN[section - 1]}. {item.label.upper()}", bold=True)
        for text in item.lines:
            line(rng, doc, text)


def label_table(doc, rows: int, cols: int):
    table = doc.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def write_table2(rng: random.Random, doc, entry: Entry) -> None:
    """A label | value table; long values as several paragraphs in their cell."""
    prefix = numberer(rng) if rng.random() < 0.5 else (lambda i: "")
    ending = rng.choice(["", "", ":"])
    table = label_table(doc, len(entry.items), 2)
    for i, item in enumerate(entry.items):
        cell_text(rng, table.cell(i, 0), [f"{prefix(i)}{item.label}{ending}"], bold=rng.random() < 0.7)
        cell_text(rng, table.cell(i, 1), item.lines)


TABLE3_HEADERS = [
    ("STT", "Nội dung", "Thông tin"),
    ("TT", "Tiêu chí", "Nội dung đăng ký"),
    ("STT", "Nội dung", "Chi tiết"),
]


def write_table3(rng: random.Random, doc, entry: Entry) -> None:
    """STT | label | value, with a header row."""
    table = label_table(doc, len(entry.items) + 1, 3)
    for col, text in enumerate(rng.choice(TABLE3_HEADERS)):
        cell_text(rng, table.cell(0, col), [text], bold=True, center=True)
    for i, item in enumerate(entry.items, start=1):
        cell_text(rng, table.cell(i, 0), [str(i)], center=True)
        cell_text(rng, table.cell(i, 1), [item.label])
        cell_text(rng, table.cell(i, 2), item.lines)


def write_row_below(rng: random.Random, doc, entry: Entry) -> None:
    """Either a one-column table of label rows each followed by its value row, or a horizontal table of the
    short fields (labels across the top, values in the row below) and the rest as paragraphs."""
    if rng.random() < 0.5:
        table = label_table(doc, 2 * len(entry.items), 1)
        for i, item in enumerate(entry.items):
            cell_text(rng, table.cell(2 * i, 0), [f"{i + 1}. {item.label}:"], bold=True)
            cell_text(rng, table.cell(2 * i + 1, 0), item.lines)
        return
    short = [
        item
        for item in entry.items
        if item.keys[0] in ("model_name", "unit", "person_name", "level", "model_type", "field")
    ]
    table = label_table(doc, 2, len(short))
    for col, item in enumerate(short):
        cell_text(rng, table.cell(0, col), [item.label], bold=True, center=True)
        cell_text(rng, table.cell(1, col), item.lines)
    line(rng, doc, "")
    rest = Entry(
        kind=entry.kind, individual=entry.individual, items=[i for i in entry.items if i not in short]
    )
    write_paragraphs(rng, doc, rest)


WRITERS = {
    "paragraphs": write_paragraphs,
    "next_line": write_next_line,
    "headings": write_headings,
    "table2": write_table2,
    "table3": write_table3,
    "row_below": write_row_below,
}


def sdt_element(tag: str, alias: str, children: list, plain: bool) -> OxmlElement:
    """A content control wrapping `children` (runs for an inline control, paragraphs for a block one)."""
    sdt, props, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
    for name, value in (("w:alias", alias), ("w:tag", tag)):
        if value:
            element = OxmlElement(name)
            element.set(qn("w:val"), value)
            props.append(element)
    ident = OxmlElement("w:id")
    ident.set(qn("w:val"), str(zlib.crc32(f"{tag}|{alias}|{len(children)}".encode()) % 2_000_000_000))
    props.append(ident)
    if plain:
        props.append(OxmlElement("w:text"))
    sdt.append(props)
    for child in children:
        content.append(child)
    sdt.append(content)
    return sdt


@dataclass
class TagScheme:
    index: int
    alias: str  # "label", "tag" or "none"
    anonymous: bool  # tag and alias left empty


def control_names(scheme: TagScheme, item: Item, n: int) -> tuple[str, str]:
    if scheme.anonymous:
        return "", ""
    choices = TAGS.get(item.keys[0])
    tag = choices[scheme.index % len(choices)] if choices else f"Text{n}"
    alias = {"label": item.label, "tag": tag, "none": ""}[scheme.alias]
    return tag, alias


def inline_control(rng, paragraph, text: str, tag: str, alias: str) -> None:
    """Put `text` into an inline plain-text control at the end of `paragraph`."""
    before = len(paragraph._p.findall(qn("w:r")))
    runs(rng, paragraph, text)
    new_runs = paragraph._p.findall(qn("w:r"))[before:]
    for r in new_runs:
        paragraph._p.remove(r)
    paragraph._p.append(sdt_element(tag, alias, new_runs, plain=True))


def block_control(rng, container, anchor, lines: list[str], tag: str, alias: str) -> None:
    """Put one paragraph per line into a block rich-text control placed right after `anchor`."""
    paragraphs = [line(rng, container, text)._p for text in lines]
    for p in paragraphs:
        p.getparent().remove(p)
    anchor.addnext(sdt_element(tag, alias, paragraphs, plain=False))


def write_controls(rng: random.Random, doc, entry: Entry) -> None:
    """A province's own form: the values in content controls with its own tags, next to visible labels."""
    scheme = TagScheme(rng.randrange(5), rng.choice(["label", "tag", "none"]), rng.random() < 0.25)
    in_table = rng.random() < 0.5
    table = label_table(doc, len(entry.items), 2) if in_table else None
    prefix = numberer(rng)
    for i, item in enumerate(entry.items):
        tag, alias = control_names(scheme, item, i + 1)
        if in_table:
            cell_text(rng, table.cell(i, 0), [item.label], bold=True)
            cell = table.cell(i, 1)
            if len(item.lines) == 1:
                inline_control(rng, cell.paragraphs[0], item.lines[0], tag, alias)
            else:
                block_control(rng, cell, cell.paragraphs[0]._p, item.lines, tag, alias)
                cell._tc.remove(cell.paragraphs[0]._p)
            continue
        if len(item.lines) == 1:
            paragraph = line(rng, doc, prefix=f"{prefix(i)}{item.label}: ", pbold=True)
            inline_control(rng, paragraph, item.lines[0], tag, alias)
        else:
            anchor = line(rng, doc, f"{prefix(i)}{item.label}:", bold=True)
            block_control(rng, doc, anchor._p, item.lines, tag, alias)


WRITERS["controls"] = write_controls


def build_document(rng: random.Random, entry: Entry, layout: str):
    doc = new_document()
    style = unit_style(rng, entry.unit)
    who = letterhead(rng, doc, entry, style)
    title_block(rng, doc, entry, who)
    WRITERS[layout](rng, doc, entry)
    closing_block(rng, doc, entry, who, style)
    return doc


# ----------------------------------------------------------------------------------------------- corpus
def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def resave_with_libreoffice(sources: list[Path], outdir: Path) -> set[str]:
    """Re-save Word files through LibreOffice (its own profile); returns the names converted."""
    binary = soffice_binary()
    if not binary or not sources:
        return set()
    with tempfile.TemporaryDirectory(prefix="blind-lo-") as profile:
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "docx",
        ]
        subprocess.run(
            [*command, "--outdir", str(outdir), *map(str, sources)], capture_output=True, timeout=900
        )
    return {source.name for source in sources if (outdir / source.name).exists()}


def file_name(entry: Entry, number: int) -> str:
    stem = "dang-ky" if entry.kind == "registration" else "bao-cao"
    return f"{stem}-mo-hinh-{number:03d}.docx"


def manifest_entry(name: str, entry: Entry, layout: str, writer: str) -> dict:
    return {
        "file": name,
        "kind": entry.kind,
        "layout": layout,
        "writer": writer,
        "individual": entry.individual,
        "truth": entry.truth,
        "unscored": sorted(entry.unscored),
        "labels": entry.labels,
        "written": entry.written,
    }


def generate(outdir: Path, files: int, seed: int, libreoffice_share: float = 0.1) -> dict:
    """Write `files` documents and OUTDIR/manifest.json; returns the manifest."""
    rng, vocab = random.Random(seed), load_vocab()
    outdir.mkdir(parents=True, exist_ok=True)
    records, to_resave = [], []
    with tempfile.TemporaryDirectory(prefix="blind-word-") as staging:
        for number in range(1, files + 1):
            entry, layout = make_entry(rng, vocab), LAYOUTS[(number - 1) % len(LAYOUTS)]
            name, resave = file_name(entry, number), rng.random() < libreoffice_share
            doc = build_document(rng, entry, layout)
            target = Path(staging) / name if resave else outdir / name
            doc.save(str(target))
            (to_resave if resave else records).append((name, entry, layout, target))
        converted = resave_with_libreoffice([item[3] for item in to_resave], outdir)
        for name, entry, layout, target in to_resave:
            if name not in converted:  # no LibreOffice here: keep the Word file
                shutil.copy2(target, outdir / name)
            records.append((name, entry, layout, outdir / name))
    records.sort(key=lambda record: record[0])
    manifest = {
        "generator": "corpora.blind_corpus",
        "seed": seed,
        "libreoffice": sum(1 for r in records if r[0] in converted),
        "files": [
            manifest_entry(n, e, lay, "libreoffice" if n in converted else "word") for n, e, lay, _ in records
        ],
    }
    (outdir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a blind corpus of unit-written Word files.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--libreoffice-share", type=float, default=0.1)
    args = parser.parse_args(argv)
    manifest = generate(args.outdir, args.files, args.seed, args.libreoffice_share)
    print(
        f"{len(manifest['files'])} files ({manifest['libreoffice']} re-saved by LibreOffice) in {args.outdir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
