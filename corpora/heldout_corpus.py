"""A held-out extraction corpus: Word files written from other offices' templates (issue 10).

Run: python -m corpora.heldout_corpus OUTDIR --files 300 --seed 99 [--libreoffice-share 0.1]

Nobody tunes the recognizer against this corpus. Its label spellings, layouts, content-control tag schemes
and closing blocks are this module's own, written from how district and province offices lay out a
"Phiếu đăng ký xây dựng mô hình", a "Báo cáo kết quả/thành tích" and a "Tờ trình"; nothing here is drawn
from `pipeline` or from the other corpus generator. Values come from the campaign's vocabulary in
`pipeline/defaults/dvk.toml` (read as data): the manifest's ground truth for a vocabulary field is the
configured label, while the document carries the spelling a clerk would type.

OUTDIR/manifest.json has the format `benchmarks/extraction.py --corpus` reads: for each file its kind,
layout, writer, the ground truth per field (`truth`), the fields left out of scoring (`unscored`), the label
written for each field (`labels`), and, for vocabulary fields, the spelling written in the file (`written`).
Files are byte-reproducible for a seed, except those re-saved through LibreOffice.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

CONFIG_PATH = Path(__file__).resolve().parent.parent / "pipeline" / "defaults" / "dvk.toml"
YEAR = "2020"

# --- The label table: how other offices' forms name each field -------------------------------------
# At least ten spellings per required field, built from compound labels, word order, qualifiers, headings.

LABELS: dict[str, list[str]] = {
    "model_name": [
        "Tên mô hình",
        "Tên mô hình “Dân vận khéo”",
        "Tên mô hình đăng ký",
        "Tên mô hình/điển hình",
        "Tên mô hình, điển hình “Dân vận khéo”",
        "Tên gọi của mô hình",
        "Tên mô hình (ghi rõ)",
        "TÊN MÔ HÌNH",
        "Tên điển hình",
        "Tên mô hình đề nghị công nhận",
        "Mô hình đăng ký xây dựng",
        "Ten mo hinh",
        "Tên công trình, mô hình",
        "Tên mô hình, cách làm hay",
    ],
    "unit": [
        "Đơn vị thực hiện",
        "Đơn vị",
        "Tập thể thực hiện",
        "Đơn vị (tập thể) thực hiện",
        "Tên đơn vị",
        "Cơ quan, đơn vị thực hiện",
        "Đơn vị đăng ký",
        "Đơn vị chủ trì thực hiện",
        "Tập thể/đơn vị đăng ký",
        "Đơn vị xây dựng mô hình",
        "Tên tập thể",
        "Đơn vị đề nghị",
        "Chi bộ, cơ quan, đơn vị thực hiện",
    ],
    "unit_of_person": [
        "Đơn vị công tác",
        "Cơ quan công tác",
        "Nơi công tác",
        "Cơ quan, đơn vị công tác",
        "Đơn vị công tác hiện nay",
    ],
    "person_name": [
        "Họ và tên",
        "Họ, tên",
        "Họ tên cá nhân",
        "Họ và tên người thực hiện",
        "Cá nhân thực hiện",
        "Tên cá nhân",
        "Họ và tên cá nhân đăng ký",
        "Người thực hiện",
        "Họ và tên (cá nhân)",
        "Cá nhân đề nghị công nhận",
        "Họ tên",
        "Cá nhân xây dựng mô hình",
    ],
    "person_position": [
        "Chức vụ",
        "Chức vụ hiện nay",
        "Chức danh",
        "Chức vụ (Đảng, chính quyền, đoàn thể)",
        "Chức vụ, chức danh",
    ],
    "level": [
        "Cấp công nhận",
        "Cấp",
        "Cấp đăng ký",
        "Cấp đề nghị công nhận",
        "Đề nghị công nhận cấp",
        "Cấp xét công nhận",
        "Mô hình cấp",
        "Đăng ký cấp",
        "Cấp quản lý mô hình",
        "Cấp công nhận (thành phố/xã, phường)",
        "Cấp thẩm định, công nhận",
        "Cấp độ mô hình",
    ],
    "model_type": [
        "Loại mô hình",
        "Loại hình",
        "Hình thức",
        "Mô hình tập thể hay cá nhân",
        "Tập thể/cá nhân",
        "Loại mô hình (tập thể/cá nhân)",
        "Thể loại",
        "Phân loại mô hình",
        "Mô hình thuộc loại",
        "Hình thức mô hình",
        "Tập thể hoặc cá nhân",
    ],
    "field": [
        "Lĩnh vực",
        "Lĩnh vực thực hiện",
        "Thuộc lĩnh vực",
        "Lĩnh vực đăng ký",
        "Lĩnh vực (kinh tế, văn hóa - xã hội, quốc phòng - an ninh, xây dựng hệ thống chính trị)",
        "Lĩnh vực xây dựng mô hình",
        "Mô hình thuộc lĩnh vực",
        "Nhóm lĩnh vực",
        "Lĩnh vực hoạt động",
        "LĨNH VỰC",
        "Linh vuc",
        "Lĩnh vực/nhóm",
    ],
    "results": [
        "Kết quả đạt được",
        "Kết quả thực hiện",
        "Những kết quả đạt được",
        "Kết quả, hiệu quả",
        "Hiệu quả mang lại",
        "Kết quả cụ thể",
        "Sản phẩm, kết quả đạt được",
        "Kết quả và hiệu quả của mô hình",
        "Kết quả đạt được (có số liệu cụ thể)",
        "Hiệu quả kinh tế, xã hội",
        "Thành tích đạt được",
        "Kết quả thực hiện mô hình",
    ],
    "expected_results": [
        "Dự kiến kết quả",
        "Kết quả dự kiến",
        "Mục tiêu, kết quả dự kiến đạt được",
        "Sản phẩm dự kiến",
        "Chỉ tiêu phấn đấu",
        "Dự kiến hiệu quả",
        "Kết quả dự kiến đạt được",
        "Dự kiến sản phẩm, kết quả đầu ra",
        "Mục tiêu cần đạt",
        "Kết quả mong đợi",
    ],
    "proposed_rating": [
        "Tự đánh giá",
        "Đề nghị xếp loại",
        "Tự đánh giá, xếp loại",
        "Tự xếp loại",
        "Đơn vị tự đánh giá",
        "Đề nghị công nhận loại",
        "Tự đánh giá, đề nghị xếp loại",
        "Kết quả tự chấm điểm, xếp loại",
        "Xếp loại đề nghị",
        "Tự nhận xét, đánh giá",
        "Đề nghị xếp loại mô hình",
        "Mức đề nghị công nhận",
    ],
    "period": [
        "Thời gian thực hiện",
        "Thời gian triển khai",
        "Thời gian bắt đầu - kết thúc",
        "Thời gian xây dựng mô hình",
        "Thời gian thực hiện (từ ngày … đến ngày …)",
    ],
    "place": ["Địa bàn thực hiện", "Địa bàn", "Phạm vi thực hiện", "Địa bàn triển khai"],
    "target_group": [
        "Đối tượng",
        "Đối tượng tác động",
        "Đối tượng hướng đến",
        "Đối tượng thụ hưởng",
        "Đối tượng vận động",
    ],
    "place_and_target": ["Địa bàn, đối tượng", "Địa bàn và đối tượng thực hiện", "Phạm vi, đối tượng"],
    "content": [
        "Nội dung, cách thức thực hiện",
        "Cách làm",
        "Nội dung thực hiện",
        "Giải pháp, cách làm",
        "Cách thức tổ chức thực hiện",
        "Nội dung và cách làm",
        "Những giải pháp thực hiện",
        "Biện pháp thực hiện",
    ],
    "forces": ["Lực lượng tham gia", "Lực lượng thực hiện", "Lực lượng nòng cốt"],
    "resources": ["Nguồn lực", "Nguồn lực thực hiện", "Kinh phí, nguồn lực", "Nguồn kinh phí"],
    "replicability": [
        "Khả năng duy trì, nhân rộng",
        "Khả năng nhân rộng",
        "Tính lan tỏa, khả năng nhân rộng",
        "Khả năng áp dụng, nhân rộng",
    ],
}
REQUIRED_LABELLED = (
    "model_name",
    "unit",
    "person_name",
    "level",
    "model_type",
    "field",
    "results",
    "proposed_rating",
)
# Qualifiers a form adds after a label, by the labels they are seen with.
QUALIFIERS_BY_KEY = {
    "results": ["năm 2020", "(ghi cụ thể)"],
    "expected_results": ["năm 2020", "(ghi cụ thể)"],
    "content": ["(ghi rõ)", "năm 2020"],
    "period": ["(ghi rõ)"],
    "model_name": ["(ghi rõ)", "năm 2020"],
    "person_position": ["(nếu có)"],
    "forces": ["(nếu có)"],
    "resources": ["(nếu có)"],
}
# Sections no field is read from: their text must never become a value.
DISTRACTOR_SECTIONS = [
    (
        "Sự cần thiết xây dựng mô hình",
        [
            "Địa bàn có nhiều hộ khó khăn, hạ tầng còn hạn chế; việc vận động "
            "Nhân dân cùng tham gia là yêu cầu cấp thiết."
        ],
    ),
    (
        "Mục đích, yêu cầu",
        [
            "Phát huy vai trò của cả hệ thống chính trị trong công tác dân vận; tạo sự đồng "
            "thuận trong Nhân dân."
        ],
    ),
    (
        "Đặc điểm tình hình",
        ["Đơn vị có 45 đảng viên, sinh hoạt tại 5 chi bộ; địa bàn gồm 4 khu vực với 1.250 hộ dân."],
    ),
]
CLOSING_SECTIONS = [
    (
        "Bài học kinh nghiệm",
        ["Phải có sự lãnh đạo chặt chẽ của cấp ủy, sự vào cuộc của cả hệ thống chính trị; lấy dân làm gốc."],
    ),
    ("Kiến nghị, đề xuất", ["Đề nghị Ban Thường vụ Thành ủy quan tâm hỗ trợ kinh phí để duy trì mô hình."]),
]

# --- Values ----------------------------------------------------------------------------------------

MODEL_NAMES = [
    "Dân vận khéo trong vận động Nhân dân hiến đất làm đường giao thông nông thôn",
    "Tuyến đường hoa, cây xanh, sạch đẹp",
    "Hũ gạo tình thương giúp hội viên khó khăn",
    "Tổ tự quản an ninh trật tự khu vực 3",
    "Ngày thứ Bảy văn minh",
    "Thu gom rác thải nhựa đổi quà tặng",
    "Tiếp nhận và trả kết quả hồ sơ tại nhà cho người cao tuổi",
    "Camera an ninh - mắt thần khu phố",
    "Cựu chiến binh giúp nhau làm kinh tế giỏi",
    "Dân vận khéo trong cải cách thủ tục hành chính",
    "Nông dân sản xuất lúa theo hướng VietGAP",
    "Thanh niên tình nguyện hỗ trợ người dân sử dụng dịch vụ công trực tuyến",
    "Tủ sách pháp luật tại khu dân cư",
    "Vận động thực hiện nếp sống văn minh trong việc cưới, việc tang",
    "Xây dựng khu dân cư “Ba an toàn”",
    "Phụ nữ chung tay xây dựng đô thị văn minh",
    "Ống heo tiết kiệm, nghĩa tình đồng đội",
    "Đội thanh niên xung kích phòng, chống dịch Covid-19",
    "Hòa giải viên giỏi gắn với tuyên truyền pháp luật ở cơ sở",
    "Bữa cơm nghĩa tình cho bệnh nhân nghèo",
    "Cánh đồng liên kết tiêu thụ khóm, mía",
    "Dân vận khéo trong giải phóng mặt bằng dự án bờ kè sông Cái Côn",
    "Mỗi đảng viên gắn với một hộ nghèo",
    "Con đường “Sáng - Xanh - Sạch - Đẹp”",
    "Nuôi heo sinh sản giúp hộ nghèo thoát nghèo bền vững",
    "Xóa nhà tạm, nhà dột nát cho hộ chính sách",
    "Hỗ trợ học sinh nghèo vượt khó, học giỏi",
    "Chợ an toàn thực phẩm",
    "Khám bệnh, cấp thuốc miễn phí cho người cao tuổi tại khu vực",
    "Tuyên truyền phòng, chống ma túy trong thanh thiếu niên",
    "Chi bộ bốn tốt, khu dân cư bốn không",
    "Vận động người dân đóng bảo hiểm y tế hộ gia đình",
    "Nhà sạch, vườn đẹp, ao cá hiệu quả",
    "Dân vận khéo trong thu thuế, phí trên địa bàn",
    "Thắp sáng đường quê",
    "Gia đình cựu chiến binh gương mẫu",
]
INDIVIDUAL_MODELS = [
    "Người nữ cán bộ tận tụy với công tác hòa giải ở cơ sở",
    "Trưởng khu vực vận động Nhân dân hiến đất mở rộng hẻm",
    "Công an khu vực gần dân, hiểu dân, giúp dân",
    "Cựu chiến binh gương mẫu làm kinh tế giỏi, giúp đỡ đồng đội",
    "Bác sĩ tận tâm vì sức khỏe người nghèo",
    "Giáo viên vận động học sinh bỏ học trở lại trường",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Dương", "Lâm", "Trương", "Châu"]
MIDDLES = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Thị Kim", "Hữu", "Thị Bích"]
GIVEN = [
    "Hùng",
    "Lan",
    "Phúc",
    "Tâm",
    "Dũng",
    "Hạnh",
    "Nghĩa",
    "Thủy",
    "Khánh",
    "Liên",
    "Tuấn",
    "Đào",
    "Hòa",
    "Trí",
    "Nhân",
    "Thảo",
]
# Positions of a person behind an individual model, by the level of the unit they work in.
POSITIONS = {
    "city": [
        "Phó Trưởng phòng",
        "Bác sĩ, Trưởng khoa Khám bệnh",
        "Cán bộ Ban Dân vận",
        "Chuyên viên",
        "Phó Chủ tịch Hội",
        "Đội trưởng Đội Cảnh sát quản lý hành chính",
    ],
    "commune": [
        "Bí thư Chi bộ khu vực 2",
        "Phó Chủ tịch Ủy ban nhân dân",
        "Chi hội trưởng Chi hội Phụ nữ khu vực 4",
        "Công an viên",
        "Trưởng khu vực 5",
        "Giáo viên chủ nhiệm lớp 9A",
    ],
}
# Bullets offices put before the lines of a long value.
BULLETS = ["- ", "- ", "+ ", "• "]
RESULT_LINES = [
    "Vận động {n} hộ dân hiến {m} m² đất, mở rộng {k} km đường giao thông nông thôn.",
    "Huy động trên {n} triệu đồng từ xã hội hóa và {k} ngày công lao động của Nhân dân.",
    "Giúp {k} hộ nghèo thoát nghèo, {n} lượt hội viên được hỗ trợ vốn vay.",
    "Tổ chức {k} buổi tuyên truyền với {n} lượt người tham dự.",
    "Lắp đặt {k} camera an ninh và {n} bóng đèn chiếu sáng tuyến hẻm.",
    "Tỷ lệ người dân hài lòng đạt {k}%; không có đơn thư khiếu nại vượt cấp.",
    "Trồng {n} cây xanh, {k} tuyến đường hoa dài tổng cộng {m} m.",
    "Giải quyết {n} hồ sơ đúng và trước hạn, tiết kiệm {k} triệu đồng chi phí đi lại cho người dân.",
]
RESULT_OPENERS = [
    "Sau một năm thực hiện, mô hình đã đạt được những kết quả thiết thực:",
    "Qua triển khai thực hiện, mô hình mang lại hiệu quả rõ nét, cụ thể như sau:",
    "Mô hình được Nhân dân đồng tình hưởng ứng, kết quả:",
]
CONTENT_LINES = [
    "Cấp ủy ban hành kế hoạch, phân công đảng viên phụ trách từng tổ dân cư.",
    "Tổ chức họp dân, lấy ý kiến và công khai các khoản đóng góp.",
    "Phối hợp với Mặt trận và các đoàn thể vận động hội viên cùng tham gia.",
    "Định kỳ hằng quý sơ kết, biểu dương các hộ tiêu biểu.",
]
PERIODS = [
    "Từ tháng 01/2020 đến tháng 12/2020",
    "Từ ngày 15/02/2020 đến ngày 30/11/2020",
    "Năm 2020",
    "Từ tháng 3 năm 2020 đến tháng 10 năm 2020",
    "01/2020 - 11/2020",
]
PLACES = ["Khu vực 1 và khu vực 3", "Toàn địa bàn phường", "Các tuyến hẻm khu vực 4", "Ấp Xẻo Vông"]
TARGETS = [
    "Hộ gia đình trên địa bàn",
    "Hội viên phụ nữ nghèo",
    "Người cao tuổi, hộ chính sách",
    "Đoàn viên thanh niên",
    "Học sinh có hoàn cảnh khó khăn",
]
FORCES = [
    "Đảng viên, đoàn viên, hội viên các đoàn thể",
    "Cán bộ, công chức và lực lượng dân quân",
    "Tổ tự quản và Nhân dân khu vực",
]
RESOURCES = [
    "Xã hội hóa 120 triệu đồng, ngân sách hỗ trợ 30 triệu đồng",
    "Nhân dân đóng góp tiền và ngày công",
    "Kinh phí hoạt động của đơn vị",
]
REPLICABILITY = [
    "Có thể nhân rộng ra các khu vực khác trên địa bàn thành phố.",
    "Mô hình dễ làm, ít tốn kém, có khả năng duy trì lâu dài và nhân rộng.",
    "Đã được 3 phường, xã học tập, áp dụng.",
]

# Spellings a clerk types for vocabulary values, keyed by the configured label.
LEVEL_SPELLINGS = {
    "Cấp thành phố": [
        "Cấp thành phố",
        "cấp thành phố",
        "Cấp Thành phố",
        "cấp TP",
        "Cấp TP",
        "Thành phố",
        "CẤP THÀNH PHỐ",
    ],
    "Cấp xã, phường": [
        "Cấp xã, phường",
        "cấp xã, phường",
        "Cấp cơ sở",
        "cấp xã/phường",
        "Cấp phường, xã",
        "xã, phường",
    ],
}
TYPE_SPELLINGS = {
    "Tập thể": ["Tập thể", "tập thể", "Mô hình tập thể", "TẬP THỂ"],
    "Cá nhân": ["Cá nhân", "cá nhân", "Mô hình cá nhân"],
}
FIELD_SPELLINGS = {
    "Kinh tế": ["Kinh tế", "kinh tế", "Phát triển kinh tế", "Lĩnh vực kinh tế", "KINH TẾ"],
    "Văn hóa - xã hội": [
        "Văn hóa - xã hội",
        "Văn hoá - Xã hội",
        "văn hóa – xã hội",
        "VH-XH",
        "Văn hóa, xã hội",
        "văn hoá xã hội",
    ],
    "Quốc phòng - an ninh": [
        "Quốc phòng - an ninh",
        "An ninh - Quốc phòng",
        "QP-AN",
        "an ninh quốc phòng",
        "Quốc phòng, an ninh",
        "ANQP",
    ],
    "Xây dựng hệ thống chính trị": [
        "Xây dựng hệ thống chính trị",
        "xây dựng hệ thống chính trị",
        "Xây dựng Đảng và hệ thống chính trị",
        "XDHTCT",
    ],
}
RATING_SPELLINGS = {
    "Tốt": ["Tốt", "tốt", "Loại Tốt", "Xếp loại tốt", "TỐT", "loại tốt"],
    "Khá": ["Khá", "khá", "Loại Khá", "xếp loại khá", "KHÁ"],
}
# (on behalf of …, signer's title) pairs of a unit's closing block.
SIGNATURE_LINES = [
    ("T/M CHI BỘ", "BÍ THƯ"),
    ("T/M ĐẢNG ỦY", "BÍ THƯ"),
    ("T/M BAN CHẤP HÀNH", "CHỦ TỊCH"),
    ("", "TRƯỞNG PHÒNG"),
    ("", "THỦ TRƯỞNG ĐƠN VỊ"),
    ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"),
    ("T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
]
CHECKED, UNCHECKED = "☒", "☐"

# Content-control naming schemes of other forms: tag and alias per field.
TAG_SCHEMES: dict[str, dict[str, str]] = {
    "camel": {
        "model_name": "TenMoHinh",
        "unit": "DonViThucHien",
        "person_name": "HoTen",
        "level": "CapCongNhan",
        "model_type": "LoaiMoHinh",
        "field": "LinhVuc",
        "results": "KetQua",
        "proposed_rating": "TuDanhGia",
        "person_position": "ChucVu",
        "period": "ThoiGian",
        "content": "CachLam",
    },
    "snake": {
        "model_name": "ten_mo_hinh",
        "unit": "don_vi",
        "person_name": "ho_ten",
        "level": "cap",
        "model_type": "loai_hinh",
        "field": "linh_vuc",
        "results": "ket_qua_dat_duoc",
        "proposed_rating": "xep_loai",
        "person_position": "chuc_vu",
        "period": "thoi_gian",
        "content": "noi_dung",
    },
    "txt": {
        "model_name": "txtTenMH",
        "unit": "txtDonVi",
        "person_name": "txtHoTen",
        "level": "cboCap",
        "model_type": "cboLoai",
        "field": "cboLinhVuc",
        "results": "txtKetQua",
        "proposed_rating": "cboXepLoai",
        "person_position": "txtChucVu",
        "period": "txtThoiGian",
        "content": "txtNoiDung",
    },
    "words": {
        "model_name": "Tên mô hình",
        "unit": "don vi",
        "person_name": "Họ tên",
        "level": "Cấp",
        "model_type": "Loại",
        "field": "Lĩnh vực",
        "results": "Kết quả",
        "proposed_rating": "Tự đánh giá",
        "person_position": "Chức vụ",
        "period": "Thời gian",
        "content": "Cách làm",
    },
}
WORD_PLACEHOLDER = "Bấm hoặc gõ vào đây để nhập văn bản."

REGISTRATION_TITLES = [
    ("PHIẾU ĐĂNG KÝ", "Xây dựng mô hình “Dân vận khéo” năm 2020"),
    ("BẢN ĐĂNG KÝ XÂY DỰNG MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020", ""),
    ("ĐĂNG KÝ THI ĐUA THỰC HIỆN MÔ HÌNH DÂN VẬN KHÉO NĂM 2020", ""),
    ("PHIẾU ĐĂNG KÝ MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”", "Năm 2020"),
]
PROPOSAL_TITLES = [
    ("BÁO CÁO", "Kết quả thực hiện mô hình “Dân vận khéo” năm 2020"),
    ("BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận mô hình “Dân vận khéo” năm 2020"),
    ("BÁO CÁO TỔNG KẾT MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020", ""),
    ("BÁO CÁO", "Kết quả xây dựng mô hình, điển hình “Dân vận khéo” năm 2020"),
]
LAYOUTS = ("paragraphs", "headings", "table2", "stt_table", "rows_below", "label_row", "controls", "to_trinh")


def load_vocabulary(path: Path = CONFIG_PATH) -> dict:
    """Levels, types, fields, ratings and units as dvk.toml configures them (read as data, not imported)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        "levels": {x["key"]: x["label"] for x in data["levels"]},
        "fields": [x["label"] for x in data["fields"]],
        "ratings": [x["label"] for x in data["ratings"]],
        "units": data["units"],
        "synonyms": {
            x["label"]: x.get("synonyms", [])
            for k in ("levels", "types", "fields", "ratings")
            for x in data[k]
        },
    }


# --- One model: what is true and what is written ---------------------------------------------------


@dataclass
class Item:
    """One labelled entry of a form: a field (or None for a section no field is read from) and its value."""

    key: str | None
    label: str
    paragraphs: list[str]
    optional_empty: bool = False
    checkbox: tuple[str, ...] = ()  # all choices shown, the value ticked


@dataclass
class Spec:
    kind: str
    individual: bool
    truth: dict[str, str] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    unscored: set[str] = field(default_factory=set)
    items: list[Item] = field(default_factory=list)
    unit: str = ""
    signer: str = ""
    signer_title: str = ""
    on_behalf: str = ""


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"


def label_for(key: str, rng: random.Random, qualifier_share: float = 0.15) -> str:
    label = rng.choice(LABELS[key])
    qualifiers = QUALIFIERS_BY_KEY.get(key, ["(ghi rõ)"])
    if rng.random() < qualifier_share and not label.endswith(")"):
        label = f"{label} {rng.choice(qualifiers)}"
    return label


def results_paragraphs(rng: random.Random, lines: int) -> list[str]:
    chosen = rng.sample(RESULT_LINES, lines)
    bullet = rng.choice(BULLETS)
    bullets = [
        bullet + line.format(n=rng.randint(12, 480), m=rng.randint(200, 9000), k=rng.randint(2, 95))
        for line in chosen
    ]
    return [rng.choice(RESULT_OPENERS), *bullets] if rng.random() < 0.6 else bullets


def vocab_item(spec: Spec, key: str, truth: str, spellings: list[str], choices: list[str], rng) -> Item:
    written = rng.choice(spellings)
    spec.truth[key], spec.written[key] = truth, written
    label = label_for(key, rng, 0.05)
    spec.labels[key] = label
    if rng.random() < 0.1 and len(choices) > 1:  # a form that lists every choice and ticks one
        spec.written[key] = truth
        return Item(key, label, [truth], checkbox=tuple(choices))
    return Item(key, label, [written])


def plain_item(spec: Spec, key: str, paragraphs: list[str], rng, label_key: str | None = None) -> Item:
    label = label_for(label_key or key, rng)
    spec.truth[key] = "\n".join(paragraphs)
    spec.labels[key] = label
    return Item(key, label, paragraphs)


def build_spec(kind: str, vocab: dict, rng: random.Random) -> Spec:
    individual = rng.random() < 0.15
    spec = Spec(kind, individual)
    level_key = rng.choices(["city", "commune"], weights=[3, 1])[0]  # a unit's models go to its own level
    spec.unit = rng.choice(vocab["units"][level_key])
    name = rng.choice(INDIVIDUAL_MODELS if individual else MODEL_NAMES)
    spec.truth["model_name"] = name
    quoted = f"“{name}”" if "“" not in name and rng.random() < 0.5 else name
    spec.labels["model_name"] = label_for("model_name", rng)
    items = [Item("model_name", spec.labels["model_name"], [quoted])]
    if individual:
        person = person_name(rng)
        position = rng.choice(POSITIONS[level_key])
        items.append(plain_item(spec, "person_name", [person], rng))
        items += individual_items(spec, position, rng)
        spec.signer, spec.signer_title = person, "NGƯỜI BÁO CÁO" if kind == "proposal" else "NGƯỜI ĐĂNG KÝ"
    else:
        items.append(plain_item(spec, "unit", [spec.unit], rng))
        spec.signer = person_name(rng)
        spec.on_behalf, spec.signer_title = rng.choice(SIGNATURE_LINES)
    level = vocab["levels"][level_key]
    items.append(
        vocab_item(
            spec, "level", level, level_spellings(level, spec.unit), list(vocab["levels"].values()), rng
        )
    )
    model_type = "Cá nhân" if individual else "Tập thể"
    items.append(
        vocab_item(spec, "model_type", model_type, TYPE_SPELLINGS[model_type], ["Tập thể", "Cá nhân"], rng)
    )
    field_label = rng.choice(vocab["fields"])
    items.append(vocab_item(spec, "field", field_label, FIELD_SPELLINGS[field_label], vocab["fields"], rng))
    items += optional_items(spec, rng)
    spec.truth["year"] = YEAR
    spec.truth["signer"] = spec.signer
    items.append(results_item(spec, rng))
    if rng.random() < 0.35:
        items.append(plain_item(spec, "replicability", [rng.choice(REPLICABILITY)], rng))
    if kind == "proposal":
        rating = rng.choices(vocab["ratings"], weights=[4, 1])[0]
        items.append(vocab_item(spec, "proposed_rating", rating, RATING_SPELLINGS[rating], [], rng))
    spec.items = items
    return spec


def level_spellings(level: str, unit: str) -> list[str]:
    if level.startswith("Cấp xã"):
        own = "cấp phường" if unit.startswith("Phường") else "cấp xã"
        return LEVEL_SPELLINGS[level] + [own, own.capitalize()]
    return LEVEL_SPELLINGS[level]


def individual_items(spec: Spec, position: str, rng: random.Random) -> list[Item]:
    spec.truth["person_position"], spec.truth["unit"] = position, spec.unit
    if rng.random() < 0.3:  # one compound label holds both the position and the unit
        label = rng.choice(
            ["Chức vụ, đơn vị công tác", "Chức vụ, nơi công tác", "Chức vụ và đơn vị công tác"]
        )
        spec.labels["person_position"] = spec.labels["unit"] = label
        return [Item("person_position+unit", label, [f"{position}, {spec.unit}"])]
    return [
        plain_item(spec, "person_position", [position], rng),
        plain_item(spec, "unit", [spec.unit], rng, label_key="unit_of_person"),
    ]


def optional_items(spec: Spec, rng: random.Random) -> list[Item]:
    """Period, place, target group, content, forces and resources: some filled, some left empty."""
    items = []
    if rng.random() < 0.6:
        items.append(plain_item(spec, "period", [rng.choice(PERIODS)], rng))
    if rng.random() < 0.3:  # one compound label over two fields: not scored, its value is ambiguous
        label = rng.choice(LABELS["place_and_target"])
        spec.unscored |= {"place", "target_group"}
        items.append(Item(None, label, [f"{rng.choice(PLACES)}; {rng.choice(TARGETS).lower()}"]))
    else:
        for key, pool in (("place", PLACES), ("target_group", TARGETS)):
            if rng.random() < 0.4:
                items.append(plain_item(spec, key, [rng.choice(pool)], rng))
    if rng.random() < 0.5:
        items.append(plain_item(spec, "content", rng.sample(CONTENT_LINES, rng.randint(1, 3)), rng))
    for key, pool in (("forces", FORCES), ("resources", RESOURCES)):
        roll = rng.random()
        if roll < 0.25:
            items.append(plain_item(spec, key, [rng.choice(pool)], rng))
        elif roll < 0.45:  # the label is there, nothing typed after it
            items.append(Item(key, f"{rng.choice(LABELS[key])} (nếu có)", [], optional_empty=True))
    return items


def results_item(spec: Spec, rng: random.Random) -> Item:
    """Results achieved (a proposal) or results aimed at (a registration: targets, in the future tense)."""
    if spec.kind == "proposal":
        return plain_item(spec, "results", results_paragraphs(rng, rng.randint(1, 3)), rng)
    targets = [
        line.format(n=rng.choice([50, 100, 200]), m=rng.choice([1000, 1500]), k=rng.choice([3, 5, 10]))
        for line in rng.sample(RESULT_LINES, rng.randint(1, 2))
    ]
    if len(targets) == 1 and rng.random() < 0.5:
        paragraphs = [f"Phấn đấu {targets[0][0].lower()}{targets[0][1:]}"]
    else:
        bullet = rng.choice(BULLETS)
        paragraphs = [f"Phấn đấu đến cuối năm {YEAR}:", *(bullet + t for t in targets)]
    return plain_item(spec, "results", paragraphs, rng, label_key="expected_results")


# --- Word building blocks --------------------------------------------------------------------------


def new_document(rng: random.Random):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = rng.choice(["Times New Roman", "Times New Roman", "Arial"])
    style.font.size = Pt(rng.choice([13, 14]))
    props = doc.core_properties
    props.author = rng.choice(["Admin", "VP", "user", "Máy tính 02"])
    props.last_modified_by = props.author
    return doc


def add_runs(paragraph, text: str, rng: random.Random, bold: bool = False, tracked: bool = False) -> None:
    """Text split over runs (as Word leaves it), sometimes with spell-check marks or a tracked insertion."""
    words = text.split(" ")
    cuts = (
        sorted(rng.sample(range(1, len(words)), min(len(words) - 1, rng.randint(0, 2))))
        if len(words) > 1
        else []
    )
    pieces = [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
    pieces = [piece + (" " if i < len(pieces) - 1 else "") for i, piece in enumerate(pieces)]
    for i, piece in enumerate(pieces):
        if tracked and i == len(pieces) - 1 and len(pieces) > 1:
            add_tracked_insertion(paragraph, piece)
            continue
        if rng.random() < 0.1:
            paragraph._p.append(proof_mark("spellStart"))
        run = paragraph.add_run(piece)
        run.bold = bold or None
        if rng.random() < 0.1:
            paragraph._p.append(proof_mark("spellEnd"))


def proof_mark(kind: str):
    mark = OxmlElement("w:proofErr")
    mark.set(qn("w:type"), kind)
    return mark


def add_tracked_insertion(paragraph, text: str) -> None:
    """An edit a reviewer made with track changes on: the old words deleted, the new ones inserted."""
    deleted = OxmlElement("w:del")
    inserted = OxmlElement("w:ins")
    for element, tag in ((deleted, "w:delText"), (inserted, "w:t")):
        element.set(qn("w:id"), str(zlib.crc32(text.encode()) % 10000 + (tag == "w:t")))
        element.set(qn("w:author"), "Ban Dân vận")
        element.set(qn("w:date"), "2020-11-20T08:00:00Z")
        run = OxmlElement("w:r")
        run_text = OxmlElement(tag)
        run_text.set(qn("xml:space"), "preserve")
        run_text.text = "nội dung cũ " if tag == "w:delText" else text
        run.append(run_text)
        element.append(run)
    paragraph._p.append(deleted)
    paragraph._p.append(inserted)


def para(
    container, text: str, rng: random.Random, bold: bool = False, center: bool = False, tracked: bool = False
):
    paragraph = container.add_paragraph()
    if text:
        add_runs(paragraph, text, rng, bold=bold, tracked=tracked)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def labelled(container, label: str, value: str, rng: random.Random, prefix: str = "", tracked: bool = False):
    """'prefix Label: value' in one paragraph, the label in bold as forms print it."""
    paragraph = container.add_paragraph()
    add_runs(paragraph, f"{prefix}{label}:", rng, bold=rng.random() < 0.7)
    if value:
        add_runs(paragraph, " " + value, rng, tracked=tracked)
    return paragraph


def checkbox_text(item: Item) -> str:
    ticked = item.paragraphs[0]
    return "   ".join(f"{CHECKED if choice == ticked else UNCHECKED} {choice}" for choice in item.checkbox)


def value_paragraphs(item: Item) -> list[str]:
    if item.checkbox:
        return [checkbox_text(item)]
    return item.paragraphs


def empty_filler(rng: random.Random) -> str:
    return rng.choice(["", "", "……………………………………", "..........................................."])


def content_control(paragraphs: list[str], tag: str, alias: str, rng: random.Random, inline: bool = False):
    """A w:sdt the way Word writes one (placeholder docPart, id); empty text shows Word's placeholder."""
    sdt = OxmlElement("w:sdt")
    props = OxmlElement("w:sdtPr")
    for name, val in (("w:alias", alias), ("w:tag", tag), ("w:id", str(rng.randint(-(2**31), 2**31 - 1)))):
        if val or name == "w:id":
            element = OxmlElement(name)
            element.set(qn("w:val"), val)
            props.append(element)
    placeholder = OxmlElement("w:placeholder")
    part = OxmlElement("w:docPart")
    part.set(qn("w:val"), rng.choice(["DefaultPlaceholder_-1854013440", "DefaultPlaceholder_1081868574"]))
    placeholder.append(part)
    props.append(placeholder)
    if not paragraphs:
        props.append(OxmlElement("w:showingPlcHdr"))
    if inline:
        props.append(OxmlElement("w:text"))
    sdt.append(props)
    content = OxmlElement("w:sdtContent")
    for text in paragraphs or [WORD_PLACEHOLDER]:
        run = OxmlElement("w:r")
        run_text = OxmlElement("w:t")
        run_text.set(qn("xml:space"), "preserve")
        run_text.text = text
        run.append(run_text)
        if inline:
            content.append(run)
        else:
            paragraph = OxmlElement("w:p")
            paragraph.append(run)
            content.append(paragraph)
    sdt.append(content)
    return sdt


def no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)


def cell_paragraphs(
    cell,
    paragraphs: list[str],
    rng: random.Random,
    bold: bool = False,
    center: bool = False,
    tracked: bool = False,
) -> None:
    """Fill a cell: the first paragraph reuses the cell's own empty paragraph."""
    for i, text in enumerate(paragraphs or [""]):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if text:
            add_runs(paragraph, text, rng, bold=bold, tracked=tracked and i == len(paragraphs) - 1)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


# --- Parts every document has ----------------------------------------------------------------------


def header_block(doc, spec: Spec, rng: random.Random) -> None:
    """The two-column letterhead: issuing body on the left, Party or State motto and the date on the right."""
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    body = spec.unit.upper()
    party = rng.random() < 0.7
    if party:
        owner = "ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY" if not body.startswith(("PHƯỜNG", "XÃ")) else f"ĐẢNG ỦY {body}"
        left = [
            owner,
            body if not body.startswith(("PHƯỜNG", "XÃ")) else "CHI BỘ KHU VỰC 1",
            "*",
            f"Số: {rng.randint(3, 90)}-{'BC' if spec.kind == 'proposal' else 'ĐK'}/CB",
        ]
        right = ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    else:
        left = ["UBND THÀNH PHỐ NGÃ BẢY", body, f"Số: {rng.randint(3, 90)}/BC"]
        right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    month = rng.randint(2, 4) if spec.kind == "registration" else rng.randint(10, 12)
    right.append(f"Ngã Bảy, ngày {rng.randint(1, 28)} tháng {month} năm {YEAR}")
    cell_paragraphs(table.cell(0, 0), left, rng, bold=True, center=True)
    cell_paragraphs(table.cell(0, 1), right, rng, bold=True, center=True)


def title_block(doc, spec: Spec, rng: random.Random) -> None:
    if spec.kind == "registration":
        first, second = rng.choice(REGISTRATION_TITLES)
    else:
        first, second = rng.choice(PROPOSAL_TITLES)
        if spec.individual and first == "BÁO CÁO THÀNH TÍCH":
            first = "BÁO CÁO THÀNH TÍCH CÁ NHÂN"
    para(doc, first, rng, bold=True, center=True)
    if second:
        para(doc, second, rng, bold=True, center=True)
    if rng.random() < 0.5:
        para(doc, "Kính gửi: Ban Thường vụ Thành ủy Ngã Bảy", rng, center=True)


def introduction(doc, spec: Spec, rng: random.Random) -> None:
    if rng.random() < 0.3:
        return
    number, day = rng.randint(10, 99), rng.randint(1, 28)
    plan = f"Kế hoạch số {number}-KH/TU ngày {day}/02/{YEAR} của Ban Thường vụ Thành ủy"
    who = "Bản thân tôi" if spec.individual else spec.unit
    verb = "đăng ký xây dựng mô hình" if spec.kind == "registration" else "báo cáo kết quả thực hiện mô hình"
    para(
        doc,
        f"Thực hiện {plan} về thực hiện phong trào thi đua “Dân vận khéo” năm {YEAR}, {who} {verb} như sau:",
        rng,
    )


def closing_block(doc, spec: Spec, rng: random.Random) -> None:
    """Recipients and the signature: T/M line, title, '(Ký, ghi rõ họ tên)', the signer's name."""
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    if spec.individual:
        left = ["XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"]
        right = [spec.signer_title, "(Ký, ghi rõ họ tên)", "", "", spec.signer]
    else:
        left = ["Nơi nhận:", "- Ban Dân vận Thành ủy;", "- Lưu: VT."]
        right = [line for line in (spec.on_behalf, spec.signer_title) if line]
        right += [rng.choice(["(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)", "(đã ký)"]), "", "", spec.signer]
    cell_paragraphs(table.cell(0, 0), left, rng)
    cell_paragraphs(table.cell(0, 1), right, rng, bold=True, center=True)


# --- Layouts: how the entries are laid out ---------------------------------------------------------


def numbering(style: str, index: int) -> str:
    if style == "decimal":
        return f"{index}. "
    if style == "letter":
        return f"{'abcdefghijklmnopq'[index - 1]}) "
    return "- " if style == "dash" else ""


def has_dash_bullets(spec: Spec) -> bool:
    """Whether a value's lines start with '- ' (an office would then not mark its items with '- ' too)."""
    return any(text.startswith("- ") for item in spec.items for text in item.paragraphs)


def layout_paragraphs(doc, spec: Spec, rng: random.Random) -> None:
    """'Label: value' paragraphs; long values on the next paragraphs; empty optional labels stay empty."""
    style = rng.choice(["decimal", "letter", "dash", "none"])
    if style == "dash" and has_dash_bullets(spec):
        style = "decimal"
    index = 0
    for item in with_distractors(spec.items, rng):
        index += 1
        write_paragraph_item(doc, item, numbering(style, index), rng)


def write_paragraph_item(doc, item: Item, prefix: str, rng: random.Random) -> None:
    values = value_paragraphs(item)
    if item.optional_empty:
        labelled(doc, item.label, empty_filler(rng), rng, prefix)
    elif len(values) == 1 and len(values[0]) < 90 and rng.random() < 0.75:
        labelled(doc, item.label, values[0], rng, prefix, tracked=rng.random() < 0.04)
    elif rng.random() < 0.5:  # the label alone, the value on the paragraphs below
        labelled(doc, item.label, "", rng, prefix)
        for text in values:
            para(doc, text, rng)
    else:  # first paragraph after the colon, the rest below
        labelled(doc, item.label, values[0], rng, prefix)
        for text in values[1:]:
            para(doc, text, rng)


def with_distractors(items: list[Item], rng: random.Random) -> list[Item]:
    """Sections that name no field, placed where offices put them: reasons first, lessons last."""
    items = list(items)
    if rng.random() < 0.4:
        label, body = rng.choice(DISTRACTOR_SECTIONS)
        items.insert(rng.randint(0, 2), Item(None, label, body))
    if rng.random() < 0.3:
        label, body = rng.choice(CLOSING_SECTIONS)
        items.insert(len(items) - (1 if items[-1].key == "proposed_rating" else 0), Item(None, label, body))
    return items


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]
LONG_KEYS = {"content", "results", "replicability"}


def layout_headings(doc, spec: Spec, rng: random.Random) -> None:
    """'I. THÔNG TIN CHUNG' with numbered sub-items, then uppercase headings whose body is the value."""
    short = [i for i in spec.items if i.key not in LONG_KEYS and i.key != "proposed_rating"]
    long_items = [i for i in spec.items if i.key in LONG_KEYS]
    rating = [i for i in spec.items if i.key == "proposed_rating"]
    section = 0
    section += 1
    para(
        doc,
        f"{ROMAN[section - 1]}. {rng.choice(['THÔNG TIN CHUNG', 'THÔNG TIN VỀ MÔ HÌNH', 'KHÁI QUÁT CHUNG'])}",
        rng,
        bold=True,
    )
    style = rng.choice(["decimal", "dash", "letter"])
    for index, item in enumerate(short, 1):
        write_paragraph_item(doc, item, numbering(style, index), rng)
    content = next((i for i in long_items if i.key == "content"), None)
    results = next(i for i in long_items if i.key == "results")
    if content and rng.random() < 0.5:  # one heading over two sub-items that carry their own labels
        section += 1
        para(
            doc,
            f"{ROMAN[section - 1]}. {rng.choice(['KẾT QUẢ THỰC HIỆN', 'QUÁ TRÌNH TRIỂN KHAI THỰC HIỆN'])}",
            rng,
            bold=True,
        )
        write_paragraph_item(doc, content, "1. ", rng)
        write_paragraph_item(doc, results, "2. ", rng)
        long_items = [i for i in long_items if i.key not in ("content", "results")]
    for item in long_items:
        section += 1
        para(doc, f"{ROMAN[section - 1]}. {item.label.upper()}", rng, bold=True)
        for text in item.paragraphs:
            para(doc, text, rng)
    for item in rating:
        section += 1
        para(doc, f"{ROMAN[section - 1]}. {rng.choice(['TỰ ĐÁNH GIÁ, ĐỀ NGHỊ', 'ĐỀ NGHỊ'])}", rng, bold=True)
        write_paragraph_item(doc, item, "", rng)


def layout_table2(doc, spec: Spec, rng: random.Random, stt: bool = False) -> None:
    """A key–value table (label | value), optionally with an STT column and a header row."""
    in_table = [i for i in spec.items if i.key not in LONG_KEYS or rng.random() < 0.5]
    after = [i for i in spec.items if i not in in_table]
    cols = 3 if stt else 2
    table = doc.add_table(rows=0, cols=cols)
    table.style = "Table Grid"
    if stt:
        row = table.add_row().cells
        for cell, text in zip(row, ["STT", "Nội dung", "Thông tin"], strict=True):
            cell_paragraphs(cell, [text], rng, bold=True, center=True)
    for index, item in enumerate(in_table, 1):
        row = table.add_row().cells
        if stt:
            cell_paragraphs(row[0], [str(index)], rng, center=True)
        label = item.label + (":" if rng.random() < 0.4 else "")
        cell_paragraphs(row[-2], [label], rng, bold=rng.random() < 0.6)
        values = [] if item.optional_empty else value_paragraphs(item)
        cell_paragraphs(row[-1], values, rng, tracked=rng.random() < 0.03)
    for index, item in enumerate(after, len(in_table) + 1):
        write_paragraph_item(doc, item, numbering("decimal", index), rng)


def layout_rows_below(doc, spec: Spec, rng: random.Random) -> None:
    """A one-column form: each label row (shaded, bold) with its value in the row below."""
    table = doc.add_table(rows=0, cols=1)
    table.style = "Table Grid"
    for index, item in enumerate(spec.items, 1):
        cell_paragraphs(table.add_row().cells[0], [f"{index}. {item.label}"], rng, bold=True)
        values = [] if item.optional_empty else value_paragraphs(item)
        cell_paragraphs(table.add_row().cells[0], values, rng)


HORIZONTAL_KEYS = ("model_name", "unit", "person_name", "level", "model_type", "field", "proposed_rating")


def layout_label_row(doc, spec: Spec, rng: random.Random) -> None:
    """A row of labels (with STT) over one row of values, then the rest as paragraphs."""
    across = [i for i in spec.items if i.key in HORIZONTAL_KEYS]
    rest = [i for i in spec.items if i not in across]
    table = doc.add_table(rows=2, cols=len(across) + 1)
    table.style = "Table Grid"
    cell_paragraphs(table.cell(0, 0), ["STT"], rng, bold=True, center=True)
    cell_paragraphs(table.cell(1, 0), ["1"], rng, center=True)
    for column, item in enumerate(across, 1):
        cell_paragraphs(table.cell(0, column), [item.label], rng, bold=True, center=True)
        cell_paragraphs(table.cell(1, column), value_paragraphs(item), rng)
    style = "decimal" if has_dash_bullets(spec) else "dash"
    for index, item in enumerate(rest, 1):
        write_paragraph_item(doc, item, numbering(style, index), rng)


def layout_controls(doc, spec: Spec, rng: random.Random) -> None:
    """A province form: a label, then a content control tagged in the form's own scheme (or not at all)."""
    scheme = rng.choice([*TAG_SCHEMES, "alias_only", "none"])
    in_table = rng.random() < 0.4
    table = doc.add_table(rows=0, cols=2) if in_table else None
    if table is not None:
        table.style = "Table Grid"
    for index, item in enumerate(spec.items, 1):
        tag, alias = control_names(item, scheme)
        values = [] if item.optional_empty else value_paragraphs(item)
        inline = len(values) == 1 and not in_table and rng.random() < 0.5
        sdt = content_control(values, tag, alias, rng, inline=inline)
        if table is not None:
            row = table.add_row().cells
            cell_paragraphs(row[0], [item.label], rng, bold=True)
            tc = row[1]._tc
            tc.remove(tc.findall(qn("w:p"))[0])
            tc.append(sdt)
        elif inline:
            paragraph = labelled(doc, item.label, "", rng, f"{index}. ")
            paragraph.add_run(" ")
            paragraph._p.append(sdt)
        else:
            labelled(doc, item.label, "", rng, f"{index}. ")
            doc.element.body.insert(len(doc.element.body) - 1, sdt)  # before the final sectPr


def control_names(item: Item, scheme: str) -> tuple[str, str]:
    key = (item.key or "").split("+")[0]
    if scheme == "none" or not key:
        return "", ""
    if scheme == "alias_only":
        return "", item.label
    tag = TAG_SCHEMES[scheme].get(key, f"Text{zlib.crc32(key.encode()) % 40}")
    return tag, item.label if scheme == "camel" else ""


def layout_to_trinh(doc, spec: Spec, rng: random.Random) -> None:
    """A Tờ trình: the request in prose naming the model, then a label row and the results."""
    para(
        doc,
        f"Sau một năm triển khai, {spec.unit} kính đề nghị Ban Thường vụ Thành ủy xem xét, công nhận mô hình "
        f"“{spec.truth['model_name']}” đạt mô hình “Dân vận khéo” năm {YEAR}, cụ thể như sau:",
        rng,
    )
    layout_label_row(doc, spec, rng)


LAYOUT_WRITERS = {
    "paragraphs": layout_paragraphs,
    "headings": layout_headings,
    "table2": layout_table2,
    "stt_table": lambda doc, spec, rng: layout_table2(doc, spec, rng, stt=True),
    "rows_below": layout_rows_below,
    "label_row": layout_label_row,
    "controls": layout_controls,
    "to_trinh": layout_to_trinh,
}


# --- The corpus ------------------------------------------------------------------------------------


def write_document(spec: Spec, layout: str, rng: random.Random) -> bytes:
    doc = new_document(rng)
    header_block(doc, spec, rng)
    if layout == "to_trinh":
        para(doc, "TỜ TRÌNH", rng, bold=True, center=True)
        para(doc, f"Về việc đề nghị công nhận mô hình “Dân vận khéo” năm {YEAR}", rng, bold=True, center=True)
        para(doc, "Kính gửi: Ban Thường vụ Thành ủy Ngã Bảy", rng, center=True)
    else:
        title_block(doc, spec, rng)
        introduction(doc, spec, rng)
    LAYOUT_WRITERS[layout](doc, spec, rng)
    closing_block(doc, spec, rng)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps, so a seed always gives the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 11, 20, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def file_name(index: int, spec: Spec, rng: random.Random) -> str:
    stem = (
        "Phieu dang ky"
        if spec.kind == "registration"
        else rng.choice(["BC mo hinh", "Báo cáo DVK", "TT de nghi"])
    )
    unit = spec.unit.replace(" - ", " ").replace("/", " ")
    name = f"{index:03d} {stem} {unit}"
    return (name.upper() if rng.random() < 0.2 else name) + ".docx"


def manifest_entry(name: str, spec: Spec, layout: str) -> dict:
    return {
        "file": name,
        "kind": spec.kind,
        "layout": layout,
        "writer": "word",
        "individual": spec.individual,
        "truth": dict(spec.truth),
        "unscored": sorted(spec.unscored),
        "labels": dict(spec.labels),
        "written": dict(spec.written),
    }


def generate(out: Path, files: int, seed: int, libreoffice_share: float = 0.1) -> dict:
    """Write `files` documents and OUTDIR/manifest.json; re-save a share of them through LibreOffice."""
    rng = random.Random(seed)
    vocab = load_vocabulary()
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for index in range(1, files + 1):
        kind = "registration" if rng.random() < 0.25 else "proposal"
        spec = build_spec(kind, vocab, rng)
        layouts = [x for x in LAYOUTS if kind == "proposal" or x != "to_trinh"]
        layout = rng.choice(layouts)
        name = file_name(index, spec, rng)
        (out / name).write_bytes(write_document(spec, layout, rng))
        entries.append(manifest_entry(name, spec, layout))
    chosen = rng.sample(entries, round(len(entries) * libreoffice_share))
    resaved = resave_with_libreoffice(out, [e["file"] for e in chosen])
    for entry in chosen:
        if entry["file"] in resaved:
            entry["writer"] = "libreoffice"
    manifest = {
        "seed": seed,
        "generator": "corpora.heldout_corpus",
        "libreoffice": len(resaved),
        "files": entries,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def resave_with_libreoffice(folder: Path, names: list[str]) -> set[str]:
    """Re-save files through LibreOffice (own profile); none when soffice is missing or fails."""
    soffice = shutil.which("soffice")
    if not soffice or not names:
        if names:
            print("soffice not found: no file re-saved through LibreOffice", file=sys.stderr)
        return set()
    with tempfile.TemporaryDirectory(prefix="heldout-lo-") as work:
        work_dir = Path(work)
        sources, converted = work_dir / "in", work_dir / "out"
        sources.mkdir()
        for name in names:
            shutil.copy2(folder / name, sources / name)
        command = [
            soffice,
            f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(converted),
            *[str(sources / n) for n in names],
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"LibreOffice re-save failed: {exc}", file=sys.stderr)
            return set()
        done = {n for n in names if (converted / n).is_file() and (converted / n).stat().st_size}
        if len(done) < len(names):
            print(
                f"LibreOffice did not re-save {len(names) - len(done)} of {len(names)} files", file=sys.stderr
            )
        for name in done:
            shutil.copyfile(converted / name, folder / name)
        return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the held-out extraction corpus and its manifest.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--libreoffice-share", type=float, default=0.1)
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.files, args.seed, args.libreoffice_share)
    print(f"{len(manifest['files'])} files in {args.out} ({manifest['libreoffice']} re-saved by LibreOffice)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
