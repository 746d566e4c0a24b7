"""A variation corpus: proposals and registrations written the many ways units really write them.

This generator measures the extractor on what it was not written for, so it shares nothing with it: its
label grammar (`LABELS`, `COMPOUND_LABELS`, `TAG_SCHEMES`) is its own table, written from how offices word
these forms (docs/domain.md §2 and §5, issue 10), and nothing here imports `pipeline`. Only the *values* of
the vocabulary fields (level, type, field, rating) come from the configuration, because a value outside the
vocabulary is an error by design; the manifest gives for them the configured label the value means.

    python -m corpora.variants OUTDIR [--files 400] [--seed 2020] [--libreoffice-share 0.15]

writes OUTDIR/*.docx and OUTDIR/manifest.json: for each file its kind, layout, writer (python or
libreoffice), the ground truth per field (as written: model names without their quotes, vocabulary fields as
configured labels), the label text each field was written under, and the mechanisms used.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import tempfile
import tomllib
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "pipeline" / "defaults" / "dvk.toml"
YEAR = "2020"

# ---------------------------------------------------------------------------- the label grammar
# Spellings per field, as forms in Vietnamese offices write them: compounds joined by "/", ",", "và",
# "hoặc" or a parenthesis, extra words, other word orders. Written for this generator only.

LABELS: dict[str, tuple[str, ...]] = {
    "model_name": (
        "Tên mô hình",
        "Tên mô hình/điển hình",
        "Tên mô hình, điển hình",
        "Tên mô hình (điển hình)",
        "Tên mô hình đăng ký",
        "Tên gọi của mô hình",
        "Tên mô hình “Dân vận khéo”",
        "Tên mô hình dân vận khéo",
        "Tên điển hình, mô hình",
        "Mô hình",
        "Tên mô hình (ghi rõ)",
        "Tên mô hình hoặc điển hình",
        "Tên mô hình, điển hình “Dân vận khéo” năm 2020",
    ),
    "unit": (
        "Đơn vị thực hiện",
        "Đơn vị (cá nhân) thực hiện",
        "Đơn vị/cá nhân thực hiện",
        "Tập thể/cá nhân thực hiện",
        "Tên đơn vị",
        "Cơ quan, đơn vị thực hiện",
        "Đơn vị chủ trì",
        "Tập thể thực hiện",
        "Đơn vị đăng ký",
        "Đơn vị, tập thể thực hiện mô hình",
        "Chi bộ/đơn vị thực hiện",
        "Tên tập thể",
        "Cơ quan thực hiện",
        "Đơn vị đề nghị",
    ),
    # An individual model's unit: where the person works.
    "work_unit": (
        "Đơn vị công tác",
        "Cơ quan, đơn vị công tác",
        "Nơi công tác",
        "Cơ quan công tác",
        "Đơn vị",
    ),
    "person_name": (
        "Họ và tên",
        "Họ tên",
        "Họ và tên người thực hiện",
        "Cá nhân thực hiện",
        "Họ và tên cá nhân",
        "Tên cá nhân thực hiện",
        "Người thực hiện",
        "Tập thể/cá nhân thực hiện",
        "Đơn vị (cá nhân) thực hiện",
        "Họ, tên",
        "Cá nhân đăng ký",
        "Họ và tên (cá nhân)",
    ),
    "person_position": (
        "Chức vụ",
        "Chức danh",
        "Chức vụ hiện nay",
        "Chức vụ, chức danh",
        "Chức vụ (đảng, chính quyền, đoàn thể)",
    ),
    "level": (
        "Cấp công nhận",
        "Cấp",
        "Cấp đề nghị công nhận",
        "Đề nghị công nhận cấp",
        "Cấp đăng ký",
        "Mô hình cấp",
        "Cấp xét công nhận",
        "Cấp công nhận (thành phố hoặc xã, phường)",
        "Đăng ký cấp",
        "Cấp quản lý",
        "Phạm vi, cấp công nhận",
        "Cấp công nhận năm 2020",
    ),
    "model_type": (
        "Loại mô hình",
        "Loại hình",
        "Mô hình tập thể hay cá nhân",
        "Tập thể/Cá nhân",
        "Loại (tập thể, cá nhân)",
        "Phân loại mô hình",
        "Mô hình thuộc loại",
        "Loại mô hình (tập thể hoặc cá nhân)",
        "Loại",
        "Hình thức mô hình",
        "Kiểu mô hình",
    ),
    "field": (
        "Lĩnh vực",
        "Lĩnh vực thực hiện",
        "Thuộc lĩnh vực",
        "Lĩnh vực của mô hình",
        "Lĩnh vực đăng ký",
        "Mô hình thuộc lĩnh vực",
        "Lĩnh vực (kinh tế, văn hóa - xã hội, quốc phòng - an ninh, xây dựng hệ thống chính trị)",
        "Lĩnh vực hoạt động",
        "Ngành, lĩnh vực",
        "Lĩnh vực/ngành",
        "Trên lĩnh vực",
    ),
    "year": (
        "Năm",
        "Năm thực hiện",
        "Năm đăng ký",
        "Năm công nhận",
        "Năm đề nghị",
        "Năm xét công nhận",
        "Năm thi đua",
        "Năm phát động",
        "Thời điểm đăng ký (năm)",
        "Đợt năm",
    ),
    "results": (
        "Kết quả đạt được",
        "Những kết quả đạt được",
        "Sản phẩm, kết quả đạt được",
        "Kết quả thực hiện",
        "Kết quả",
        "Hiệu quả đạt được",
        "Kết quả, hiệu quả",
        "Kết quả cụ thể",
        "Kết quả đạt được (số liệu cụ thể)",
        "Sản phẩm, kết quả đầu ra",
        "Kết quả, sản phẩm của mô hình",
        "Hiệu quả mang lại",
        "Kết quả đạt được năm 2020",
    ),
    # A registration's results are expected ones.
    "expected_results": (
        "Kết quả dự kiến",
        "Dự kiến kết quả",
        "Sản phẩm dự kiến",
        "Kết quả dự kiến đạt được",
        "Mục tiêu, kết quả dự kiến",
        "Dự kiến kết quả, sản phẩm",
    ),
    "proposed_rating": (
        "Tự đánh giá",
        "Tự đánh giá, xếp loại",
        "Đề nghị xếp loại",
        "Tự xếp loại",
        "Đề xuất xếp loại",
        "Tự đánh giá xếp loại",
        "Đơn vị tự đánh giá",
        "Xếp loại đề nghị",
        "Tự đánh giá, đề nghị xếp loại",
        "Kết quả tự đánh giá",
        "Mức xếp loại đề nghị",
        "Đề nghị công nhận xếp loại",
    ),
    "period": (
        "Thời gian thực hiện",
        "Thời gian triển khai",
        "Thời gian bắt đầu và kết thúc",
        "Thời gian thực hiện mô hình",
        "Thời gian (từ … đến …)",
    ),
    "place": ("Địa bàn thực hiện", "Địa bàn", "Phạm vi, địa bàn"),
    "target_group": ("Đối tượng tác động", "Đối tượng vận động", "Đối tượng"),
    "content": (
        "Nội dung và cách làm",
        "Nội dung, cách thức thực hiện",
        "Cách thức thực hiện",
        "Nội dung, giải pháp thực hiện",
        "Biện pháp thực hiện",
        "Cách làm",
        "Những việc đã làm",
    ),
    "forces": ("Lực lượng tham gia", "Lực lượng thực hiện", "Lực lượng"),
    "resources": ("Nguồn lực", "Nguồn lực, kinh phí", "Kinh phí thực hiện"),
    "replicability": (
        "Tính lan tỏa, khả năng nhân rộng",
        "Khả năng duy trì, nhân rộng",
        "Khả năng nhân rộng",
        "Tính bền vững và khả năng nhân rộng",
    ),
}
# One label naming two fields: its value holds both, separated by a comma.
COMPOUND_LABELS = {
    ("person_position", "unit"): (
        "Chức vụ, đơn vị công tác",
        "Chức vụ, cơ quan công tác",
        "Chức vụ và đơn vị",
    ),
    ("place", "target_group"): ("Địa bàn, đối tượng", "Địa bàn và đối tượng tác động", "Phạm vi, đối tượng"),
}
# Section headings that are labels: the body under the heading is the field's value.
HEADING_LABELS = {
    "content": ("NỘI DUNG VÀ CÁCH LÀM", "CÁCH THỨC THỰC HIỆN", "NHỮNG VIỆC ĐÃ LÀM"),
    "results": ("KẾT QUẢ ĐẠT ĐƯỢC", "KẾT QUẢ THỰC HIỆN", "NHỮNG KẾT QUẢ ĐẠT ĐƯỢC", "HIỆU QUẢ CỦA MÔ HÌNH"),
    "expected_results": ("KẾT QUẢ DỰ KIẾN",),
    "proposed_rating": ("TỰ ĐÁNH GIÁ, XẾP LOẠI", "ĐỀ NGHỊ XẾP LOẠI"),
    "replicability": ("KHẢ NĂNG NHÂN RỘNG",),
}
# A heading above numbered sub-items that carry their own labels (the heading is not the value).
PARENT_HEADINGS = ("KẾT QUẢ THỰC HIỆN MÔ HÌNH", "QUÁ TRÌNH VÀ KẾT QUẢ THỰC HIỆN", "KẾT QUẢ THỰC HIỆN")
GENERIC_HEADINGS = ("THÔNG TIN CHUNG", "THÔNG TIN VỀ MÔ HÌNH", "THÔNG TIN CHUNG VỀ MÔ HÌNH")
# Optional lines written empty, so the next line is a label: never a value.
EMPTY_OPTIONAL = (
    "Ghi chú",
    "Ý kiến của cấp ủy (nếu có)",
    "Tài liệu minh chứng kèm theo (nếu có)",
    "Số điện thoại liên hệ",
    "Hình ảnh minh họa (nếu có)",
    "Đề xuất, kiến nghị (nếu có)",
)
INSTRUCTIONS = (
    "(Ghi rõ tên mô hình, đơn vị thực hiện, địa bàn)",
    "(Nêu cụ thể số liệu, sản phẩm, hiệu quả)",
    "(Đánh dấu hoặc ghi: Tốt/Khá)",
    "(Mỗi đơn vị đăng ký không quá 02 mô hình)",
)

# Content-control tags of other provinces' forms (value: field key -> tag).
TAG_SCHEMES: dict[str, dict[str, str]] = {
    "snake": {
        "model_name": "ten_mo_hinh",
        "unit": "don_vi",
        "person_name": "ho_ten",
        "person_position": "chuc_vu",
        "level": "cap_cong_nhan",
        "model_type": "loai_mo_hinh",
        "field": "linh_vuc",
        "year": "nam",
        "results": "ket_qua",
        "proposed_rating": "tu_danh_gia",
        "period": "thoi_gian",
        "content": "noi_dung",
    },
    "pascal": {
        "model_name": "TenMoHinh",
        "unit": "DonVi",
        "person_name": "HoTen",
        "person_position": "ChucVu",
        "level": "CapCongNhan",
        "model_type": "LoaiMoHinh",
        "field": "LinhVuc",
        "year": "Nam",
        "results": "KetQua",
        "proposed_rating": "XepLoai",
        "period": "ThoiGian",
        "content": "NoiDung",
    },
    "spaced": {
        "model_name": "ten mo hinh",
        "unit": "don vi",
        "person_name": "ho ten",
        "person_position": "chuc vu",
        "level": "cap",
        "model_type": "loai",
        "field": "linh vuc",
        "year": "nam",
        "results": "ket qua",
        "proposed_rating": "danh gia",
        "period": "thoi gian",
        "content": "noi dung",
    },
    "vietnamese": {
        "model_name": "Tên mô hình",
        "unit": "Đơn vị thực hiện",
        "person_name": "Họ và tên",
        "person_position": "Chức vụ",
        "level": "Cấp công nhận",
        "model_type": "Loại mô hình",
        "field": "Lĩnh vực",
        "year": "Năm",
        "results": "Kết quả đạt được",
        "proposed_rating": "Tự đánh giá",
        "period": "Thời gian thực hiện",
        "content": "Nội dung",
    },
}
# How a form names its controls: by tag (a scheme above), only in the alias, or not at all (then a label
# paragraph stands before it), or with generic tags ("Text1").
CONTROL_NAMINGS = ("snake", "pascal", "spaced", "vietnamese", "alias_only", "empty", "generic")
# Extra spellings of vocabulary values (beside the configured synonyms) as units type them.
VALUE_SPELLINGS = {
    "city": (
        "Cấp thành phố",
        "cấp TP",
        "Cấp Thành phố",
        "CẤP THÀNH PHỐ",
        "cấp thành phố Ngã Bảy",
        "Thành phố",
    ),
    "commune": ("Cấp xã, phường", "cấp xã", "Cấp phường", "cấp cơ sở", "Cấp xã/phường", "cấp phường, xã"),
}

# ---------------------------------------------------------------------------- values

MODEL_NAMES = {
    "Kinh tế": (
        "Hỗ trợ hộ nghèo nuôi lươn không bùn",
        "Chuyển đổi đất lúa kém hiệu quả sang trồng khóm",
        "Tổ hợp tác trồng mít Thái",
        "Vận động nhân dân hiến đất làm đường giao thông nông thôn",
        "Chợ văn minh, thân thiện",
        "Phụ nữ tiết kiệm vì người nghèo",
        "Cánh đồng lớn liên kết tiêu thụ lúa",
        "Hỗ trợ vốn khởi nghiệp cho đoàn viên thanh niên",
        "Nuôi cá rô đồng trong ao lót bạt",
    ),
    "Văn hóa - xã hội": (
        "Tuyến đường hoa kiểu mẫu",
        "Thắp sáng đường quê",
        "Tủ sách pháp luật ở khu vực",
        "Bếp ăn tình thương tại Trung tâm Y tế",
        "Khu dân cư không rác thải nhựa",
        "Ngày chủ nhật xanh",
        "Gia đình 5 không, 3 sạch",
        "Cơm có thịt cho học sinh nghèo",
        "Nước sạch cho hộ nghèo",
    ),
    "Quốc phòng - an ninh": (
        "Camera an ninh khu phố",
        "Tổ tự quản an ninh trật tự",
        "Khu phố không có tội phạm ma túy",
        "Dòng họ không có người vi phạm pháp luật",
        "Tổ hòa giải ở cơ sở hoạt động hiệu quả",
        "Đèn đường an ninh, đèn đường nông thôn",
        "Dân quân tự vệ giúp dân sửa nhà",
    ),
    "Xây dựng hệ thống chính trị": (
        "Giải quyết thủ tục hành chính tại nhà cho người cao tuổi",
        "Cán bộ, đảng viên gần dân, sát dân",
        "Một cửa thân thiện",
        "Tiếp dân ngày thứ bảy",
        "Nhóm Zalo kết nối cán bộ với nhân dân",
        "Chi bộ vững mạnh, đảng viên gương mẫu",
        "Sổ tay đảng viên điện tử",
    ),
}
INDIVIDUAL_NAMES = (
    "Nữ cán bộ hội giúp hội viên thoát nghèo",
    "Người cao tuổi gương mẫu vận động hiến đất",
    "Đảng viên giúp hộ khó khăn cất nhà",
    "Cựu chiến binh làm kinh tế giỏi, giúp đồng đội",
    "Tổ trưởng tổ dân phố vận động giữ vệ sinh môi trường",
    "Cán bộ tư pháp tận tình với dân",
)
PLACE_SUFFIXES = ("", "", "", " tại khu vực 4", " ở phường Lái Hiếu", " tại xã Tân Thành", " ở khu vực 2")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Dương", "Lâm", "Châu")
MIDDLES = ("Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Thị Kim", "Hữu", "Thị Mỹ")
GIVENS = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Linh",
    "Nam",
    "Phúc",
    "Thảo",
    "Tuấn",
    "Út",
    "Xuân",
    "Yến",
    "Kiệt",
    "Đạt",
    "Ánh",
)
POSITIONS = (
    "Bí thư Chi bộ khu vực 3",
    "Phó Chủ tịch Hội Nông dân",
    "Tổ trưởng tổ dân phố",
    "Chuyên viên",
    "Phó Trưởng phòng",
    "Chi hội trưởng Chi hội Phụ nữ",
    "Công chức Tư pháp - Hộ tịch",
    "Đảng viên",
    "Trưởng ban công tác Mặt trận",
    "Bác sĩ",
)
RESULT_SENTENCES = (
    "Vận động {a} hộ tham gia, hiến {b} m² đất làm đường.",
    "Giải quyết {c} hồ sơ đúng hạn, đạt 100%.",
    "Huy động {a} triệu đồng và {b} ngày công lao động.",
    "Có {d} hộ thoát nghèo, {e} hộ vươn lên khá.",
    "Lắp đặt {d} camera, tội phạm trên địa bàn giảm {e}% so với năm trước.",
    "Trồng {c} cây xanh trên {e} km tuyến đường.",
    "Tổ chức {d} buổi tuyên truyền cho {c} lượt người dân.",
    "Thu nhập bình quân của hộ tham gia tăng {e}%.",
)
CONTENT_SENTENCES = (
    "Chi bộ ban hành kế hoạch, phân công đảng viên phụ trách từng tổ dân phố.",
    "Phối hợp với Mặt trận và các đoàn thể tuyên truyền, vận động nhân dân cùng thực hiện.",
    "Tổ chức họp dân công khai nội dung, kinh phí và cách làm.",
    "Định kỳ hằng quý sơ kết, rút kinh nghiệm và biểu dương cá nhân tiêu biểu.",
    "Cán bộ, đảng viên nêu gương, đi đầu trong mọi việc.",
)
PERIODS = (
    "Từ tháng 01/2020 đến tháng 12/2020",
    "Từ 01/3/2020 đến 30/11/2020",
    "Tháng 02/2020 - tháng 10/2020",
    "từ tháng 3 năm 2020 đến tháng 11 năm 2020",
)
PLACES = (
    "Khu vực 2, phường Lái Hiếu",
    "Khu vực 4, phường Ngã Bảy",
    "Ấp Xẻo Vông, xã Tân Thành",
    "Trên địa bàn thành phố",
)
TARGETS = ("Hộ nghèo, hộ cận nghèo", "Đoàn viên, thanh niên", "Người cao tuổi", "Hội viên phụ nữ")
FORCES = ("Đảng viên, đoàn viên, hội viên tại khu vực", "Cán bộ, công chức của đơn vị")
RESOURCES = ("Nhân dân đóng góp, Nhà nước hỗ trợ một phần", "Kinh phí xã hội hóa 120 triệu đồng")
REPLICABILITY = (
    "Mô hình dễ làm, ít tốn kém, có thể nhân rộng ra các khu vực khác.",
    "Đã được 3 đơn vị học tập, áp dụng.",
)
# Units that are not in the configured list (a warning only): real files name sub-units too.
OTHER_UNITS = ("Chi bộ khu vực 2, phường Hiệp Thành", "Chi hội Phụ nữ khu vực 3", "Tổ dân phố số 5")

# ---------------------------------------------------------------------------- configuration values


@dataclass(frozen=True)
class Vocabulary:
    """The configured values (never labels) the generator writes and the label each one means."""

    levels: dict[str, tuple[str, tuple[str, ...]]]  # key -> (label, spellings)
    types: dict[str, tuple[str, tuple[str, ...]]]
    fields: list[tuple[str, tuple[str, ...]]]  # (label, spellings)
    ratings: list[tuple[str, tuple[str, ...]]]
    city_units: tuple[str, ...]
    commune_units: tuple[str, ...]


def load_vocabulary(path: Path = CONFIG_PATH) -> Vocabulary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def spellings(entry: dict, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
        return tuple(dict.fromkeys((entry["label"], *entry.get("synonyms", ()), *extra)))

    return Vocabulary(
        levels={
            e["key"]: (e["label"], spellings(e, VALUE_SPELLINGS.get(e["key"], ()))) for e in data["levels"]
        },
        types={e["key"]: (e["label"], spellings(e)) for e in data["types"]},
        fields=[(e["label"], spellings(e)) for e in data["fields"]],
        ratings=[(e["label"], spellings(e)) for e in data["ratings"] if e["label"] in ("Tốt", "Khá")],
        city_units=tuple(data["units"]["city"]),
        commune_units=tuple(data["units"]["commune"]),
    )


# ---------------------------------------------------------------------------- one document's plan


@dataclass
class Item:
    """One labelled entry of a document: the label as written, its value's paragraphs, what it means."""

    key: str  # a field key, "heading", "parent", "optional" or "instruction"
    label: str
    lines: list[str]
    truth: dict[str, str] = field(default_factory=dict)
    long: bool = False
    heading: bool = False  # a section heading whose body is the value


@dataclass
class Plan:
    kind: str  # "proposal" | "registration"
    layout: str  # "table" | "paragraphs" | "form"
    title: list[str]
    header: tuple[list[str], list[str]]
    intro: list[str]
    items: list[Item]
    closing: list[str]
    blocks: list[list[str]]  # the recipients (left) and the signature block (right)
    signer: str
    truth: dict[str, str]  # field -> expected value
    labels: dict[str, str]  # field -> the label text it was written under
    written: dict[str, str]  # vocabulary field -> the spelling written in the document
    unscored: list[str]  # fields whose value is written but not separable (a compound's shared value)
    mechanisms: list[str]
    style: Style


def pick(rng: random.Random, options):
    return options[rng.randrange(len(options))]


def person(rng: random.Random) -> str:
    return f"{pick(rng, SURNAMES)} {pick(rng, MIDDLES)} {pick(rng, GIVENS)}"


def numbers(rng: random.Random) -> dict[str, str]:
    return {
        "a": str(rng.randint(12, 480)),
        "b": f"{rng.randint(1, 9)}.{rng.randint(100, 999)}",
        "c": str(rng.randint(20, 900)),
        "d": str(rng.randint(3, 60)),
        "e": str(rng.randint(5, 40)),
    }


def paragraphs_of(rng: random.Random, sentences: tuple[str, ...], count: int) -> list[str]:
    chosen = rng.sample(sentences, count)
    return [sentence.format(**numbers(rng)) for sentence in chosen]


@dataclass
class Values:
    """The model a document describes (the truth before the document chooses its spellings)."""

    individual: bool
    level_key: str
    unit: str
    person_name: str
    position: str
    model_name: str
    field_label: str
    rating: str
    signer: str


def draw_values(rng: random.Random, vocab: Vocabulary) -> Values:
    individual = rng.random() < 0.12
    level_key = "commune" if rng.random() < 0.3 else "city"
    units = vocab.commune_units if level_key == "commune" else vocab.city_units
    unit = pick(rng, OTHER_UNITS) if rng.random() < 0.05 else pick(rng, units)
    field_label = pick(rng, [label for label, _ in vocab.fields])
    base = (
        pick(rng, INDIVIDUAL_NAMES)
        if individual
        else pick(rng, MODEL_NAMES.get(field_label, INDIVIDUAL_NAMES))
    )
    return Values(
        individual=individual,
        level_key=level_key,
        unit=unit,
        person_name=person(rng) if individual else "",
        position=pick(rng, POSITIONS) if individual else "",
        model_name=base + pick(rng, PLACE_SUFFIXES),
        field_label=field_label,
        rating=pick(rng, ("Tốt", "Tốt", "Khá")),
        signer=person(rng),
    )


# ---------------------------------------------------------------------------- spelling a label


@dataclass(frozen=True)
class Style:
    """A document's habits: how its labels are cased and numbered, how values are placed."""

    case: str  # as_is | upper | lower | ascii | ascii_upper
    numbering: str  # arabic | paren | letter | dash | plus | none
    colon: bool  # labels with a value below still end with ":"
    inline: float  # share of short values written after the colon on the label's line
    split_runs: bool  # Word's habit of cutting text into runs (spell-check marks, revision ids)
    nfd: bool  # decomposed Unicode (Windows' built-in keyboard)


def draw_style(rng: random.Random) -> Style:
    return Style(
        case=rng.choices(("as_is", "upper", "lower", "ascii", "ascii_upper"), (60, 14, 8, 12, 6))[0],
        numbering=rng.choices(("arabic", "paren", "letter", "dash", "plus", "none"), (35, 10, 12, 15, 5, 23))[
            0
        ],
        colon=rng.random() < 0.75,
        inline=rng.choice((0.0, 0.5, 0.9, 1.0)),
        split_runs=rng.random() < 0.3,
        nfd=rng.random() < 0.03,
    )


def strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def cased(text: str, case: str) -> str:
    if case in ("ascii", "ascii_upper"):
        text = strip_marks(text)
    if case in ("upper", "ascii_upper"):
        return text.upper()
    if case == "lower":
        return text.lower()
    return text


LETTERS = "abcdđeghiklmnopqrstuvxy"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def numbered(text: str, style: Style, number: int) -> str:
    prefix = {
        "arabic": f"{number}. ",
        "paren": f"{number}) ",
        "letter": f"{LETTERS[(number - 1) % len(LETTERS)]}) ",
        "dash": "- ",
        "plus": "+ ",
        "none": "",
    }[style.numbering]
    return prefix + text


def qualified(label: str, rng: random.Random, optional: bool = False) -> str:
    """Qualifiers that forms add anywhere: "(ghi rõ)", "(nếu có)"."""
    roll = rng.random()
    if roll < 0.06 and "(" not in label:
        return f"{label} (ghi rõ)"
    if optional and roll < 0.2 and "(" not in label:
        return f"{label} (nếu có)"
    return label


# ---------------------------------------------------------------------------- planning a document


class Planner:
    """Chooses, for one document, its fields' labels and value spellings, in a conventional order."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, kind: str, layout: str) -> None:
        self.rng, self.vocab, self.kind, self.layout = rng, vocab, kind, layout
        self.style = draw_style(rng)
        self.values = draw_values(rng, vocab)
        self.items: list[Item] = []
        self.truth: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.written: dict[str, str] = {}
        self.unscored: list[str] = []
        self.mechanisms: set[str] = {f"case:{self.style.case}", f"numbering:{self.style.numbering}"}
        self.number = 0

    def label(self, key: str, optional: bool = False) -> str:
        spelling = qualified(pick(self.rng, LABELS[key]), self.rng, optional)
        self.number += 1
        return numbered(cased(spelling, self.style.case), self.style, self.number)

    def add(
        self, keys: tuple[str, ...], label: str, lines: list[str], truth: dict[str, str], long=False
    ) -> Item:
        item = Item(keys[0], label, lines, truth, long)
        self.items.append(item)
        self.truth.update(truth)
        for key in truth:
            self.labels[key] = label
        return item

    def heading(self, text: str, key: str = "heading") -> Item:
        self.number = 0
        roman = ROMAN[sum(1 for item in self.items if item.key in ("heading", "parent") or item.heading)]
        item = Item(key, f"{roman}. {text}", [], heading=key != "heading" and key != "parent")
        self.items.append(item)
        return item

    # -- the fields, each one a few lines

    def model_name(self) -> None:
        name = self.values.model_name
        quote = self.rng.choices(("", "“”", '""'), (50, 40, 10))[0]
        written = f"{quote[0]}{name}{quote[1]}" if quote else name
        self.add(("model_name",), self.label("model_name"), [written], {"model_name": name})

    def who(self) -> None:
        v = self.values
        if not v.individual:
            self.add(("unit",), self.label("unit"), [v.unit], {"unit": v.unit})
            return
        self.add(("person_name",), self.label("person_name"), [v.person_name], {"person_name": v.person_name})
        if self.rng.random() < 0.4:
            label = numbered(
                cased(pick(self.rng, COMPOUND_LABELS[("person_position", "unit")]), self.style.case),
                self.style,
                self.number + 1,
            )
            self.number += 1
            self.mechanisms.add("compound:position+unit")
            self.add(
                ("person_position", "unit"),
                label,
                [f"{v.position}, {v.unit}"],
                {"person_position": v.position, "unit": v.unit},
            )
            return
        self.add(
            ("person_position",), self.label("person_position"), [v.position], {"person_position": v.position}
        )
        if self.rng.random() < 0.85:
            self.add(("unit",), self.label("work_unit"), [v.unit], {"unit": v.unit})

    def vocabulary_value(self, key: str, label: str, spellings: tuple[str, ...]) -> None:
        written = pick(self.rng, spellings)
        if self.rng.random() < 0.1:
            written = written.upper() if self.rng.random() < 0.5 else written[:1].upper() + written[1:]
        self.written[key] = written
        self.add((key,), self.label(key), [written], {key: label})

    def level(self) -> None:
        label, spellings = self.vocab.levels[self.values.level_key]
        self.vocabulary_value("level", label, spellings)

    def model_type(self) -> None:
        label, spellings = self.vocab.types["individual" if self.values.individual else "collective"]
        if self.rng.random() < 0.75:
            self.vocabulary_value("model_type", label, spellings)
        else:
            self.truth["model_type"] = label  # unlabelled: a person's name makes it individual
            self.mechanisms.add("type:unlabelled")

    def field(self) -> None:
        label, spellings = next(entry for entry in self.vocab.fields if entry[0] == self.values.field_label)
        self.vocabulary_value("field", label, spellings)

    def year(self, in_title: bool) -> None:
        if in_title and self.rng.random() < 0.75:
            self.truth["year"] = YEAR
            return
        self.mechanisms.add("year:labelled")
        self.add(("year",), self.label("year"), [pick(self.rng, (YEAR, f"Năm {YEAR}", YEAR))], {"year": YEAR})

    def rating(self, as_heading: bool) -> None:
        label, spellings = next(entry for entry in self.vocab.ratings if entry[0] == self.values.rating)
        written = pick(self.rng, spellings)
        self.written["proposed_rating"] = written
        if as_heading:
            item = self.heading(pick(self.rng, HEADING_LABELS["proposed_rating"]), "proposed_rating")
            item.lines = [
                f"Đơn vị tự đánh giá mô hình đạt loại: {written}." if self.rng.random() < 0.3 else written
            ]
            self.labels["proposed_rating"] = item.label
            self.truth["proposed_rating"] = label
            self.mechanisms.add("heading:rating")
            return
        self.add(("proposed_rating",), self.label("proposed_rating"), [written], {"proposed_rating": label})

    def short_optional(self, key: str, values: tuple[str, ...]) -> None:
        if self.rng.random() < 0.15:  # written empty: the next line is a label, never this one's value
            self.add((key,), self.label(key, optional=True), [], {})
            self.mechanisms.add("empty:known-label")
            return
        value = pick(self.rng, values)
        self.add((key,), self.label(key, optional=True), [value], {key: value})

    def place_and_target(self) -> None:
        if self.rng.random() < 0.4:
            label = numbered(
                cased(pick(self.rng, COMPOUND_LABELS[("place", "target_group")]), self.style.case),
                self.style,
                self.number + 1,
            )
            self.number += 1
            self.add(("place",), label, [f"{pick(self.rng, PLACES)}; {pick(self.rng, TARGETS).lower()}"], {})
            self.unscored += ["place", "target_group"]
            self.mechanisms.add("compound:place+target")
            return
        self.short_optional("place", PLACES)
        self.short_optional("target_group", TARGETS)

    def long_field(self, key: str, lines: list[str], label_key: str | None = None) -> None:
        self.add((key,), self.label(label_key or key), lines, {key: " ".join(lines)}, long=True)

    def heading_field(self, key: str, lines: list[str], label_key: str | None = None) -> None:
        item = self.heading(pick(self.rng, HEADING_LABELS[label_key or key]), key)
        item.lines, item.long = lines, True
        self.truth[key] = " ".join(lines)
        self.labels[key] = item.label
        self.mechanisms.add(f"heading:{key}")

    def empty_optional(self) -> None:
        self.number += 1
        label = numbered(cased(pick(self.rng, EMPTY_OPTIONAL), self.style.case), self.style, self.number)
        self.items.append(Item("optional", label, []))
        self.mechanisms.add("empty:optional")

    def instruction(self) -> None:
        self.items.append(Item("instruction", pick(self.rng, INSTRUCTIONS), []))
        self.mechanisms.add("instruction")


def results_lines(rng: random.Random) -> list[str]:
    lines = paragraphs_of(rng, RESULT_SENTENCES, rng.choice((1, 2, 2, 3)))
    if rng.random() < 0.3:
        lines = [f"- {line}" for line in lines]
    return lines


def content_lines(rng: random.Random) -> list[str]:
    return paragraphs_of(rng, CONTENT_SENTENCES, rng.choice((1, 2, 3)))


def plan_fields(planner: Planner, title_has_year: bool) -> None:
    """The fields in the conventional order, with the document's optional habits."""
    rng, proposal = planner.rng, planner.kind == "proposal"
    if planner.layout != "table" and rng.random() < 0.4:
        planner.heading(pick(rng, GENERIC_HEADINGS))
    if rng.random() < 0.1:
        planner.instruction()
    short = [planner.model_name, planner.who, planner.level, planner.model_type, planner.field]
    if rng.random() < 0.2:  # offices reorder the short fields
        i = rng.randrange(1, len(short) - 1)
        short[i], short[i + 1] = short[i + 1], short[i]
    for step in short:
        step()
    planner.year(title_has_year)
    if rng.random() < 0.6:
        planner.short_optional("period", PERIODS)
    if rng.random() < 0.5:
        planner.place_and_target()
    if rng.random() < 0.3:
        planner.empty_optional()
    plan_narrative(planner, proposal)
    if proposal:
        planner.rating(as_heading=planner.layout != "table" and rng.random() < 0.2)
    if rng.random() < 0.2:
        planner.empty_optional()


def plan_narrative(planner: Planner, proposal: bool) -> None:
    """Content, results and the rest: labelled lines, heading-labels, or a heading over numbered sub-items."""
    rng = planner.rng
    results_key = "results" if proposal else "expected_results"
    has_content = rng.random() < (0.8 if proposal else 0.6)
    shape = (
        rng.choices(("labels", "headings", "parent"), (55, 25, 20))[0]
        if planner.layout != "table"
        else "labels"
    )
    if shape == "parent" and has_content and proposal:
        planner.heading(pick(rng, PARENT_HEADINGS), "parent")
        planner.mechanisms.add("heading:parent")
        planner.long_field("content", content_lines(rng))
        if rng.random() < 0.3:
            planner.short_optional("forces", FORCES)
        planner.long_field("results", results_lines(rng), results_key)
        return
    narrative = planner.heading_field if shape == "headings" else planner.long_field
    if has_content:
        narrative("content", content_lines(rng))
    if rng.random() < 0.3:
        planner.short_optional("forces", FORCES)
    if rng.random() < 0.3:
        planner.short_optional("resources", RESOURCES)
    if proposal or rng.random() < 0.7:
        narrative("results", results_lines(rng), results_key)
    if rng.random() < 0.4:
        narrative("replicability", [pick(rng, REPLICABILITY)])


# ---------------------------------------------------------------------------- title, header, closing

Q = ("“", "”")
PROPOSAL_TITLES = (  # (lines, weight); {q}/{p} are the document's quotes, {y} the year phrase
    (("BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}",), 30),
    (("BÁO CÁO", "Kết quả thực hiện mô hình {q}Dân vận khéo{p}{y}"), 25),
    (("BÁO CÁO", "ĐỀ NGHỊ CÔNG NHẬN MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}"), 10),
    (("TỜ TRÌNH", "Về việc đề nghị công nhận mô hình {q}Dân vận khéo{p}{y}"), 12),
    (("TỜ TRÌNH đề nghị công nhận mô hình {q}Dân vận khéo{p}{y}",), 8),
    (("BÁO CÁO MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}",), 8),
    (("BÁO CÁO TỔNG KẾT MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}",), 4),
    (("BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận mô hình {q}Dân vận khéo{p}{y}"), 3),
)
REGISTRATION_TITLES = (
    (("PHIẾU ĐĂNG KÝ MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}",), 35),
    (("PHIẾU ĐĂNG KÝ", "Xây dựng mô hình {q}Dân vận khéo{p}{y}"), 25),
    (("PHIẾU ĐĂNG KÝ", "MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}"), 15),
    (("ĐĂNG KÝ XÂY DỰNG MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}",), 10),
    (("BẢN ĐĂNG KÝ MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}",), 8),
    (("ĐĂNG KÝ THỰC HIỆN MÔ HÌNH {q}DÂN VẬN KHÉO{p}{y}",), 4),
)


def title_for(rng: random.Random, kind: str) -> tuple[list[str], bool]:
    """The title lines, and whether they name the year."""
    table = PROPOSAL_TITLES if kind == "proposal" else REGISTRATION_TITLES
    lines = rng.choices([entry[0] for entry in table], [entry[1] for entry in table])[0]
    q, p = Q if rng.random() < 0.8 else ('"', '"')
    with_year = rng.random() < 0.9
    year = ""
    if with_year:
        upper = lines[-1].format(q="", p="", y="").isupper()
        year = f" NĂM {YEAR}" if upper else f" năm {YEAR}"
    return [line.format(q=q, p=p, y=year) for line in lines], with_year


def header_for(rng: random.Random, unit: str) -> tuple[list[str], list[str]]:
    state = unit.startswith(("Phòng", "Trung tâm", "Công an"))
    if state:
        left = ["UBND THÀNH PHỐ NGÃ BẢY", unit.upper()]
        right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    else:
        top = pick(rng, ("ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY", "THÀNH ỦY NGÃ BẢY", "ĐẢNG BỘ TỈNH HẬU GIANG"))
        body = unit.upper() if unit.startswith(("Chi bộ", "Phường", "Xã")) else "CHI BỘ " + unit.upper()
        left = [top, body, "*"]
        right = ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    symbol = pick(rng, ("BC/CB", "BC/ĐU", "TTr/CB", "BC-UBND", "PĐK"))
    left.append(f"Số: {rng.randint(1, 99):02d}-{symbol}")
    right.append(f"Ngã Bảy, ngày {rng.randint(1, 28)} tháng {rng.randint(9, 12)} năm {YEAR}")
    return left, right


def intro_for(rng: random.Random, kind: str, title: list[str], unit: str) -> list[str]:
    lines = []
    if title[0].startswith("TỜ TRÌNH") or rng.random() < 0.2:
        lines.append(f"Kính gửi: {pick(rng, ('Ban Thường vụ Thành ủy Ngã Bảy', 'Ban Dân vận Thành ủy'))}")
    if rng.random() < 0.85:
        verb = "báo cáo kết quả thực hiện mô hình" if kind == "proposal" else "đăng ký xây dựng mô hình"
        lines.append(
            f"Thực hiện Kế hoạch số {rng.randint(10, 99)}-KH/TU ngày 10/02/{YEAR} của Ban Thường vụ Thành ủy "
            f"về thực hiện phong trào thi đua “Dân vận khéo” năm {YEAR}, {unit} {verb} như sau:"
        )
    return lines


def closing_for(rng: random.Random, kind: str, values: Values) -> tuple[list[str], list[list[str]], str]:
    """A closing paragraph, then the recipients (left) and signature block (right); and who signs."""
    text = [
        f"Trên đây là báo cáo kết quả thực hiện mô hình “Dân vận khéo” năm {YEAR} của {values.unit}, "
        "kính đề nghị Ban Thường vụ Thành ủy xem xét, công nhận./."
        if kind == "proposal"
        else f"{values.unit} cam kết thực hiện mô hình đúng nội dung đã đăng ký./."
    ]
    signer = values.signer
    if values.individual and kind == "registration" and rng.random() < 0.5:
        block = ["NGƯỜI ĐĂNG KÝ", "(Ký, ghi rõ họ tên)", values.person_name]
        signer = values.person_name
    else:
        on_behalf = pick(
            rng,
            (
                ("T/M CHI BỘ", "BÍ THƯ"),
                ("T/M ĐẢNG ỦY", "BÍ THƯ"),
                ("TRƯỞNG PHÒNG",),
                ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"),
                ("KT. BÍ THƯ", "PHÓ BÍ THƯ"),
            ),
        )
        block = [*on_behalf, pick(rng, ("(Đã ký)", "", "(đã ký)")), signer]
    recipients = ["Nơi nhận:", "- Ban Dân vận Thành ủy;", "- Lưu: VT."]
    return text, [recipients, [line for line in block if line]], signer


# ---------------------------------------------------------------------------- WordprocessingML

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class Xml:
    """Writes the document's XML pieces with one document's habits (runs cut as Word cuts them)."""

    def __init__(self, rng: random.Random, style: Style) -> None:
        self.rng, self.style = rng, style
        self.controls = 0

    def text(self, text: str) -> str:
        return escape(unicodedata.normalize("NFD", text) if self.style.nfd else text)

    def run(self, text: str, bold: bool = False, italic: bool = False) -> str:
        props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
        props = f"<w:rPr>{props}</w:rPr>" if props else ""
        return f'<w:r>{props}<w:t xml:space="preserve">{self.text(text)}</w:t></w:r>'

    def runs(self, text: str, bold: bool = False, italic: bool = False) -> str:
        if not self.style.split_runs or len(text) < 6:
            return self.run(text, bold, italic)
        cuts = sorted(self.rng.sample(range(1, len(text)), min(3, len(text) - 1)))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        out = []
        for piece in pieces:
            rsid = f"00{self.rng.randrange(16**6):06X}"
            mark = '<w:proofErr w:type="spellStart"/>' if self.rng.random() < 0.2 else ""
            out.append(mark + self.run(piece, bold, italic).replace("<w:r>", f'<w:r w:rsidR="{rsid}">', 1))
        return "".join(out)

    def para(self, content: str, align: str = "", bold: bool = False, italic: bool = False) -> str:
        props = f'<w:pPr><w:jc w:val="{align}"/></w:pPr>' if align else ""
        body = content if content.startswith("<") or not content else self.runs(content, bold, italic)
        return f"<w:p>{props}{body}</w:p>"

    def label_para(self, label: str, value: str = "", bold_label: bool = True) -> str:
        """A label and, when given, its value after it on the same line (label bold, value plain)."""
        return self.para(self.runs(label, bold=bold_label) + (self.runs(value) if value else ""), "both")

    def cell(self, paragraphs: list[str], span: int = 1, width: int = 0) -> str:
        props = (f'<w:tcW w:w="{width}" w:type="dxa"/>' if width else "") + (
            f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        )
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{''.join(paragraphs) or '<w:p/>'}</w:tc>"

    def table(self, rows: list[list[str]], widths: list[int], borders: bool = True) -> str:
        line = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        edges = "".join(line.format(e) for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
        props = (
            f'<w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{edges}</w:tblBorders></w:tblPr>'
            if (borders)
            else '<w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
        )
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        body = "".join(f"<w:tr>{''.join(cells)}</w:tr>" for cells in rows)
        return f"<w:tbl>{props}<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"

    def sdt(self, tag: str, alias: str, content: str, block: bool, placeholder: bool = False) -> str:
        """A content control (block-level around paragraphs, or run-level around runs)."""
        self.controls += 1
        props = f'<w:id w:val="{1000 + self.controls}"/>'
        if alias:
            props = f"<w:alias w:val={quoteattr(alias)}/>" + props
        if tag:
            props += f"<w:tag w:val={quoteattr(tag)}/>"
        if placeholder:
            props += "<w:showingPlcHdr/>"
        props += "" if block else "<w:text/>"
        return f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="styles.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/></Relationships>'
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W_NS}"><w:docDefaults>'
    "<w:rPrDefault><w:rPr>"
    '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    '<w:sz w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>'
)
PAGE = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="720" w:footer="720"/>'
    "</w:sectPr>"
)


def write_package(path: Path, body: str) -> None:
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
        f"<w:body>{body}{PAGE}</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS),
            ("word/document.xml", document),
            ("word/styles.xml", STYLES),
        ):
            info = zipfile.ZipInfo(name, (2020, 11, 16, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


# ---------------------------------------------------------------------------- the three layouts

NUMBER_PREFIX = re.compile(r"^(?:\d+[.)]|[a-zđ]\)|[-+]|[IVX]+\.)\s+")


def value_paragraphs(x: Xml, lines: list[str]) -> list[str]:
    return [x.para(line, "both") for line in lines]


def with_colon(label: str, colon: bool) -> str:
    return f"{label}:" if colon and not label.endswith(":") else label


def paragraphs_body(x: Xml, plan: Plan) -> list[str]:
    """Labelled paragraphs: "Nhãn: giá trị", or the label on its own line and the value below it."""
    out: list[str] = []
    rng, style = x.rng, x.style
    for item in plan.items:
        if item.key in ("heading", "parent") or item.heading:
            out.append(x.para(item.label, bold=True))
            out += value_paragraphs(x, item.lines)
        elif item.key == "instruction":
            out.append(x.para(item.label, italic=True))
        elif not item.lines:
            dots = " ……………………" if rng.random() < 0.4 else ""
            out.append(x.label_para(with_colon(item.label, True) + dots))
        elif rng.random() < (0.3 if item.long else style.inline):
            out.append(x.label_para(with_colon(item.label, True) + " ", item.lines[0]))
            out += value_paragraphs(x, item.lines[1:])
        else:
            out.append(x.label_para(with_colon(item.label, style.colon or rng.random() < 0.5)))
            out += value_paragraphs(x, item.lines)
    return out


def kv_rows(x: Xml, items: list[Item], stt: bool, plan: Plan) -> list[list[str]]:
    """Key-value rows: label cell then value cell; a long value may sit in the row below its label."""
    rows, span = [], 3 if stt else 2
    for number, item in enumerate(items, 1):
        label = item.label if not stt else NUMBER_PREFIX.sub("", item.label)
        label = with_colon(label, x.rng.random() < 0.3)
        if item.lines and item.long and x.rng.random() < 0.35:
            rows.append([x.cell([x.para(label, bold=True)], span)])
            rows.append([x.cell(value_paragraphs(x, item.lines), span)])
            plan.mechanisms.append("table:row-below")
            continue
        cells = [x.cell([x.para(str(number), "center")])] if stt else []
        cells += [x.cell([x.para(label, bold=True)]), x.cell(value_paragraphs(x, item.lines))]
        rows.append(cells)
    return rows


HORIZONTAL_KEYS = ("model_name", "unit", "person_name", "person_position", "level", "model_type", "field")


def horizontal_table(x: Xml, items: list[Item]) -> str:
    """A row of labels over a row of values, as registration lists are often laid out."""
    labels = [x.cell([x.para("STT", "center", bold=True)])]
    values = [x.cell([x.para("1", "center")])]
    for item in items:
        labels.append(x.cell([x.para(NUMBER_PREFIX.sub("", item.label), "center", bold=True)]))
        values.append(x.cell(value_paragraphs(x, item.lines)))
    return x.table([labels, values], [600] + [1500] * len(items))


def table_body(x: Xml, plan: Plan) -> list[str]:
    rng = x.rng
    variant = rng.choices(("kv2", "kv3", "horizontal"), (45, 30, 25))[0]
    plan.mechanisms.append(f"table:{variant}")
    items = [item for item in plan.items if item.key != "instruction"]
    out = [x.para(item.label, italic=True) for item in plan.items if item.key == "instruction"]
    if variant == "horizontal":
        head = []
        while items and items[0].key in HORIZONTAL_KEYS and items[0].lines and len(head) < 6:
            head.append(items.pop(0))
        for item in head:
            item.label = NUMBER_PREFIX.sub("", item.label)
            for key in item.truth:
                plan.labels[key] = item.label
        out.append(horizontal_table(x, head))
        if rng.random() < 0.5:
            return out + paragraphs_body(x, Plan(**{**plan.__dict__, "items": items}))
    stt = variant == "kv3"
    out.append(x.table(kv_rows(x, items, stt, plan), [700, 3300, 5400] if stt else [3300, 6100]))
    return out


def control_names(naming: str, key: str, item: Item, number: int, rng: random.Random) -> tuple[str, str]:
    """(tag, alias) of a control holding `key`, in the form's naming habit."""
    if naming in TAG_SCHEMES and key in TAG_SCHEMES[naming]:
        tag = TAG_SCHEMES[naming][key]
        return tag, tag if rng.random() < 0.5 else ""
    if naming == "alias_only" and key in LABELS:
        return "", pick(rng, LABELS[key])
    if naming == "generic":
        return f"Text{number}", f"Text{number}" if rng.random() < 0.5 else ""
    return "", ""


def form_body(x: Xml, plan: Plan) -> list[str]:
    """A handed-out form: labels, each followed by a content control holding the value."""
    rng = x.rng
    naming = pick(rng, CONTROL_NAMINGS)
    arrangement = rng.choices(("paragraphs", "inline", "table"), (45, 30, 25))[0]
    plan.mechanisms += [f"controls:{naming}", f"form:{arrangement}"]
    out: list[str] = []
    rows: list[list[str]] = []
    for number, item in enumerate(plan.items, 1):
        if item.key in ("heading", "parent", "instruction"):
            out.append(x.para(item.label, bold=item.key != "instruction", italic=item.key == "instruction"))
            continue
        key = next(iter(item.truth), item.key) if len(item.truth) < 2 else ""
        tag, alias = control_names(naming, key, item, number, rng)
        content = value_paragraphs(x, item.lines) or [x.para("Nhập nội dung.")]
        placeholder = not item.lines
        if arrangement == "table" and not item.heading:
            control = x.sdt(tag, alias, "".join(content), block=True, placeholder=placeholder)
            rows.append([x.cell([x.para(item.label, bold=True)]), f"<w:tc>{control}</w:tc>"])
            continue
        if rows:
            out.append(x.table(rows, [3300, 6100]))
            rows = []
        hidden = (tag or alias) and key and not item.heading and rng.random() < 0.2
        if hidden:
            plan.labels[key] = f"[control tag={tag!r} alias={alias!r}]"
            plan.mechanisms.append("controls:no-visible-label")
        if arrangement == "inline" and not item.long and len(item.lines) == 1 and not hidden:
            control = x.sdt(tag, alias, x.runs(item.lines[0]), block=False)
            out.append(x.para(x.runs(with_colon(item.label, True) + " ", bold=True) + control, "both"))
            continue
        if not hidden:
            out.append(x.para(with_colon(item.label, x.style.colon and not item.heading), bold=True))
        out.append(x.sdt(tag, alias, "".join(content), block=True, placeholder=placeholder))
    if rows:
        out.append(x.table(rows, [3300, 6100]))
    return out


# ---------------------------------------------------------------------------- whole documents

LAYOUTS = {"table": table_body, "paragraphs": paragraphs_body, "form": form_body}


def build_plan(rng: random.Random, vocab: Vocabulary, kind: str, layout: str) -> Plan:
    planner = Planner(rng, vocab, kind, layout)
    title, title_has_year = title_for(rng, kind)
    plan_fields(planner, title_has_year)
    values = planner.values
    closing, blocks, signer = closing_for(rng, kind, values)
    truth = {**planner.truth, "signer": signer}
    return Plan(
        kind=kind,
        layout=layout,
        title=title,
        header=header_for(rng, values.unit),
        intro=intro_for(rng, kind, title, values.unit),
        items=planner.items,
        closing=closing,
        blocks=blocks,
        signer=signer,
        truth={key: value for key, value in truth.items() if key not in planner.unscored},
        labels=planner.labels,
        written=planner.written,
        unscored=sorted(set(planner.unscored)),
        mechanisms=sorted(planner.mechanisms),
        style=planner.style,
    )


def frame(x: Xml, plan: Plan) -> list[str]:
    """The document around the fields: header, title, introduction (before) and closing (after)."""
    left, right = plan.header
    if x.rng.random() < 0.75:
        cells = [x.cell([x.para(line, "center", bold=True) for line in side]) for side in (left, right)]
        head = [x.table([cells], [4200, 5200], borders=False)]
    else:
        head = [x.para(line, "center", bold=True) for line in left + right]
    title = [x.para(line, "center", bold=line.isupper() or i == 0) for i, line in enumerate(plan.title)]
    intro = [x.para(line, "both") for line in plan.intro]
    return head + title + intro


def closing_xml(x: Xml, plan: Plan) -> list[str]:
    out = [x.para(line, "both") for line in plan.closing]
    recipients, block = plan.blocks
    if x.rng.random() < 0.7:
        cells = [
            x.cell([x.para(line, bold=i == 0, italic=i == 0) for i, line in enumerate(recipients)]),
            x.cell([x.para(line, "center", bold=not line.startswith("(")) for line in block]),
        ]
        return out + [x.table([cells], [4200, 5200], borders=False)]
    return out + [x.para(line, "center", bold=True) for line in block] + [x.para(line) for line in recipients]


def write_document(path: Path, plan: Plan, rng: random.Random) -> None:
    x = Xml(rng, plan.style)
    body = frame(x, plan) + LAYOUTS[plan.layout](x, plan) + closing_xml(x, plan)
    write_package(path, "".join(body))


# ---------------------------------------------------------------------------- the corpus


def file_name(index: int, plan: Plan) -> str:
    kind = "de-nghi" if plan.kind == "proposal" else "dang-ky"
    return f"{index:04d}-{kind}-{plan.layout}.docx"


def generate(
    outdir: Path,
    files: int = 400,
    seed: int = 2020,
    libreoffice_share: float = 0.15,
    config: Path = CONFIG_PATH,
) -> dict:
    """Write `files` documents and the manifest into `outdir`; returns the manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    vocab = load_vocabulary(config)
    rng = random.Random(seed)
    entries = []
    for index in range(files):
        kind = "proposal" if rng.random() < 0.75 else "registration"
        layout = ("table", "paragraphs", "form")[index % 3]
        doc_rng = random.Random(rng.getrandbits(64))
        plan = build_plan(doc_rng, vocab, kind, layout)
        name = file_name(index, plan)
        write_document(outdir / name, plan, doc_rng)
        entries.append(manifest_entry(name, plan))
    converted = convert_share(outdir, entries, libreoffice_share, rng)
    manifest = {"seed": seed, "files": entries, "libreoffice": converted}
    (outdir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def manifest_entry(name: str, plan: Plan) -> dict:
    return {
        "file": name,
        "kind": plan.kind,
        "layout": plan.layout,
        "writer": "python",
        "title": " / ".join(plan.title),
        "truth": plan.truth,
        "labels": plan.labels,
        "written": plan.written,
        "unscored": plan.unscored,
        "mechanisms": sorted(set(plan.mechanisms)),
    }


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_share(outdir: Path, entries: list[dict], share: float, rng: random.Random) -> int:
    """Re-save a share of the files with LibreOffice (its own XML: styles, runs, controls as it writes them).

    Skipped, and said so in the manifest (0 converted), when LibreOffice is not installed."""
    soffice = soffice_path()
    # A control without a visible label is known by its tag alone; whether a re-save keeps tags is the
    # reader's business in other tests, not a label variation: such files stay as written.
    chosen = [
        entry
        for entry in entries
        if rng.random() < share and "controls:no-visible-label" not in entry["mechanisms"]
    ]
    if not soffice or not chosen:
        return 0
    with tempfile.TemporaryDirectory(prefix="dvk-variants-lo-") as work:
        profile, converted = Path(work) / "profile", Path(work) / "out"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(converted),
        ]
        command += [str(outdir / entry["file"]) for entry in chosen]
        subprocess.run(command, check=False, capture_output=True, timeout=60 + 3 * len(chosen))
        count = 0
        for entry in chosen:
            result = converted / entry["file"]
            if result.exists():
                shutil.move(result, outdir / entry["file"])
                entry["writer"] = "libreoffice"
                count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--libreoffice-share", type=float, default=0.15)
    args = parser.parse_args(argv)
    manifest = generate(args.outdir, args.files, args.seed, args.libreoffice_share)
    print(
        f"{len(manifest['files'])} files in {args.outdir} ({manifest['libreoffice']} re-saved by LibreOffice)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
