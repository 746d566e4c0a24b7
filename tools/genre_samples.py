"""Sample documents of the genres units write besides forms (issue 18), for inputs/ and the demo.

One file per genre, each shaped after the real documents recorded in benchmarks/GENRES.md: a tờ trình of a
ward's People's Committee (NĐ 30), a công văn of a mass organisation, a Party cell's narrative report, the
NĐ 91/2017 achievement reports (Mẫu 01 for a collective, Mẫu 02 for an individual) and a kế hoạch xây dựng
mô hình (a registration). Their facts sit where units put them: in the title, the letterhead, sentences of
the body and the closing request, not under labels. The registration lists are written by the list-table
samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx.shared import Cm

from tools import docgen
from tools.docgen import (
    Header,
    add_closing,
    append_block,
    clear_cell,
    make_paragraph,
    make_run,
    set_grid,
    text_paragraph,
)

PARTY = ("ĐẢNG CỘNG SẢN VIỆT NAM", "")
STATE = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class Genre:
    path: str
    kind: str
    values: dict  # what the pipeline must report (vocabulary values as their configured label)
    expect: str


def header(parent: str, body: str, mark: str, national: tuple[str, str], date: str, signer: tuple) -> Header:
    on_behalf, title = signer
    return Header(
        parent=parent,
        body=body,
        mark=mark,
        national=national[0],
        motto=national[1],
        place_date=date,
        on_behalf=on_behalf,
        signer_title=title,
        recipients="- Như trên;\n- Lưu: VT." if national is STATE else "- Như trên;\n- Lưu.",
    )


def add_letterhead(doc: object, head: Header) -> None:
    """The two-column header block, with the number and a công văn's subject line under the body."""
    table = doc.add_table(rows=1, cols=2)
    set_grid(table, (Cm(7.5), Cm(9)))
    left, right = table.rows[0].cells
    tc = clear_cell(left)
    tc.append(text_paragraph(head.parent, size=12, align="center"))
    tc.append(text_paragraph(head.body, bold=True, size=13, align="center"))
    for line in head.mark.split("\n"):
        tc.append(text_paragraph(line, size=12, align="center"))
    tc = clear_cell(right)
    tc.append(text_paragraph(head.national, bold=True, size=12 if head.motto else 13, align="center"))
    tc.append(text_paragraph(head.motto, bold=True, size=13, align="center"))
    tc.append(text_paragraph(head.place_date, italic=True, size=13, align="right"))


def write(path: Path, head: Header, title: list[str], body: list[str], signer: str) -> Path:
    doc = docgen.new_document()
    add_letterhead(doc, head)
    docgen.add_title(doc, title)
    for text in body:
        bold = text.isupper() or text[:3] in ("I. ", "II.", "III", "IV.")
        append_block(doc.element.body, make_paragraph([make_run(text, bold=bold)], align="both"))
    add_closing(doc, head, signer)
    return docgen.save_docx(doc, path)


TO_TRINH = Genre(
    "Phường Lái Hiếu/Tờ trình đề nghị công nhận mô hình năm 2020.docx",
    "proposal",
    {
        "model_name": "Tuyến hẻm sáng - xanh - sạch - đẹp",
        "unit": "Phường Lái Hiếu",
        "level": "Cấp xã, phường",
        "model_type": "Tập thể",
        "field": "Văn hóa - xã hội",
        "year": "2020",
        "proposed_rating": "Tốt",
    },
    "warning: not registered",
)


def write_to_trinh(path: Path) -> Path:
    head = header(
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG LÁI HIẾU",
        "Số: 86/TTr-UBND",
        STATE,
        "Lái Hiếu, ngày 20 tháng 11 năm 2020",
        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    )
    title = ["TỜ TRÌNH", "Về việc đề nghị công nhận mô hình “Dân vận khéo” cấp xã, phường năm 2020"]
    body = [
        "Kính gửi: Ban Thường vụ Thành ủy Ngã Bảy.",
        "Căn cứ Kế hoạch số 15-KH/TU ngày 10/3/2019 của Ban Thường vụ Thành ủy về thực hiện phong trào thi "
        "đua “Dân vận khéo” giai đoạn 2019 - 2020;",
        "Năm 2020, Ủy ban nhân dân phường Lái Hiếu triển khai thực hiện mô hình “Tuyến hẻm sáng - xanh - "
        "sạch - đẹp” thuộc lĩnh vực văn hóa - xã hội, là mô hình tập thể do các hộ dân khu vực 2 cùng làm; "
        "qua một năm thực hiện đã đạt được những kết quả sau:",
        "- Vận động 215 hộ dân hiến 1.200 m² đất, làm mới 3,5 km đường hẻm.",
        "- Lắp đặt 96 bóng đèn chiếu sáng, trồng 640 cây xanh dọc các tuyến hẻm.",
        "Ủy ban nhân dân phường tự đánh giá mô hình đạt loại Tốt.",
        "Ủy ban nhân dân phường Lái Hiếu kính trình Ban Thường vụ Thành ủy xem xét, công nhận mô hình "
        "“Tuyến hẻm sáng - xanh - sạch - đẹp” là mô hình “Dân vận khéo” cấp xã, phường năm 2020./.",
    ]
    return write(path, head, title, body, "Trần Văn Tư")


CONG_VAN = Genre(
    "Hội Nông dân thành phố/Công văn đề nghị công nhận mô hình.docx",
    "proposal",
    {
        "model_name": "Tổ hợp tác trồng khóm an toàn",
        "unit": "Hội Nông dân thành phố",
        "level": "Cấp thành phố",
        "model_type": "Tập thể",
        "field": "Kinh tế",
        "year": "2020",
        "proposed_rating": "Khá",
    },
    "warning: not registered",
)


def write_cong_van(path: Path) -> Path:
    head = header(
        "HỘI NÔNG DÂN TỈNH HẬU GIANG",
        "BCH HỘI NÔNG DÂN TP NGÃ BẢY",
        "Số: 41/CV-HND\nV/v đề nghị công nhận mô hình “Dân vận khéo” năm 2020",
        STATE,
        "Ngã Bảy, ngày 25 tháng 11 năm 2020",
        ("TM. BAN CHẤP HÀNH", "CHỦ TỊCH"),
    )
    body = [
        "Kính gửi: Ban Dân vận Thành ủy Ngã Bảy.",
        "Thực hiện Hướng dẫn số 13-HD/BDVTU ngày 19/4/2020 của Ban Dân vận Thành ủy, Ban Chấp hành Hội Nông "
        "dân thành phố kính đề nghị Ban Thường vụ Thành ủy xem xét, công nhận mô hình “Tổ hợp tác trồng khóm "
        "an toàn” là mô hình “Dân vận khéo” cấp thành phố năm 2020.",
        "Mô hình thuộc lĩnh vực kinh tế, được triển khai từ tháng 3/2020. Kết quả:",
        "+ 38 hộ hội viên tham gia tổ hợp tác, sản lượng khóm tăng 18%.",
        "+ Giúp 6 hộ thoát nghèo, 11 hộ có việc làm ổn định.",
        "Hội Nông dân thành phố tự đánh giá, xếp loại mô hình: Khá.",
        "(Gửi kèm Báo cáo kết quả thực hiện mô hình).",
    ]
    return write(path, head, [], body, "Lê Văn Năm")


CHI_BO = Genre(
    "Chi bộ Viện Kiểm sát/Báo cáo kết quả xây dựng mô hình 2020.docx",
    "proposal",
    {
        "model_name": "Kiểm sát viên gần dân, hiểu dân",
        "unit": "Chi bộ Viện Kiểm sát",
        "level": "Cấp thành phố",
        "model_type": "Tập thể",
        "field": "Xây dựng hệ thống chính trị",
        "year": "2020",
        "proposed_rating": "Tốt",
    },
    "warning: not registered",
)


def write_chi_bo(path: Path) -> Path:
    head = header(
        "ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY",
        "CHI BỘ VIỆN KIỂM SÁT",
        "*\nSố 12-BC/CB",
        PARTY,
        "Ngã Bảy, ngày 02 tháng 12 năm 2020",
        ("T/M CHI BỘ", "BÍ THƯ"),
    )
    title = ["BÁO CÁO", "Kết quả thực hiện mô hình “Dân vận khéo” năm 2020"]
    body = [
        "I. ĐẶC ĐIỂM, TÌNH HÌNH",
        "Chi bộ Viện Kiểm sát có 14 đảng viên (thành lập năm 1992), lãnh đạo thực hiện nhiệm vụ kiểm sát "
        "trên địa bàn thành phố.",
        "II. QUÁ TRÌNH THỰC HIỆN",
        "Ngày 15/01/2020, Chi bộ ban hành Nghị quyết chuyên đề về xây dựng mô hình “Kiểm sát viên gần dân, "
        "hiểu dân” thuộc lĩnh vực xây dựng hệ thống chính trị.",
        "- Mỗi đảng viên phụ trách tiếp dân một buổi mỗi tuần tại trụ sở ấp, khu vực.",
        "III. KẾT QUẢ THỰC HIỆN",
        "- Tiếp 312 lượt công dân, giải quyết dứt điểm 97% đơn thư thuộc thẩm quyền.",
        "- Không có đơn thư khiếu nại vượt cấp.",
        "Chi bộ tự đánh giá mô hình đạt loại Tốt.",
        "Chi bộ Viện Kiểm sát kính đề nghị Ban Thường vụ Thành ủy xem xét, công nhận mô hình “Kiểm sát viên "
        "gần dân, hiểu dân” là mô hình “Dân vận khéo” cấp thành phố năm 2020.",
    ]
    return write(path, head, title, body, "Võ Minh Tâm")


THANH_TICH_TAP_THE = Genre(
    "Hội Liên hiệp Phụ nữ thành phố/Báo cáo thành tích (Mẫu 01).docx",
    "proposal",
    {
        "model_name": "Phụ nữ tiết kiệm giúp nhau thoát nghèo",
        "unit": "Hội Liên hiệp Phụ nữ thành phố",
        "level": "Cấp thành phố",
        "model_type": "Tập thể",
        "field": "Kinh tế",
        "year": "2020",
        "proposed_rating": "Tốt",
    },
    "ok",
)


def write_thanh_tich_tap_the(path: Path) -> Path:
    head = header(
        "HỘI LHPN TỈNH HẬU GIANG",
        "HỘI LHPN THÀNH PHỐ NGÃ BẢY",
        "Số: 58/BC-HPN",
        STATE,
        "Ngã Bảy, ngày 18 tháng 11 năm 2020",
        ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
    )
    title = ["BÁO CÁO THÀNH TÍCH", "Đề nghị công nhận mô hình “Dân vận khéo” cấp thành phố năm 2020"]
    body = [
        "Tên tập thể đề nghị (ghi đầy đủ bằng chữ in thường, không viết tắt): Hội Liên hiệp Phụ nữ thành phố",
        "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
        "1. Đặc điểm, tình hình",
        "Hội có 9 cơ sở hội với 6.240 hội viên; thành lập năm 1976.",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "Năm 2020, Hội Liên hiệp Phụ nữ thành phố xây dựng và thực hiện mô hình “Phụ nữ tiết kiệm giúp nhau "
        "thoát nghèo” thuộc lĩnh vực kinh tế, là mô hình tập thể.",
        "Qua thực hiện mô hình, đạt được những kết quả sau:",
        "- Vận động 1.150 hội viên tiết kiệm, huy động 460 triệu đồng cho 92 chị vay không lãi.",
        "- Giúp 27 hộ thoát nghèo.",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "- Năm 2018: Bằng khen (Quyết định số 1968/QĐ-UBND ngày 26/6/2018 của Chủ tịch UBND tỉnh).",
        "Hội Liên hiệp Phụ nữ thành phố tự đánh giá, xếp loại mô hình: Tốt.",
    ]
    return write(path, head, title, body, "Nguyễn Thị Bé Ba")


THANH_TICH_CA_NHAN = Genre(
    "Trung tâm Y tế thành phố/Báo cáo thành tích cá nhân (Mẫu 02).docx",
    "proposal",
    {
        "model_name": "Y sĩ tận tâm với người bệnh nghèo",
        "unit": "Trung tâm Y tế thành phố",
        "person_name": "Nguyễn Thị Hồng Nhung",
        "person_position": "Y sĩ",
        "level": "Cấp thành phố",
        "model_type": "Cá nhân",
        "field": "Văn hóa - xã hội",
        "year": "2020",
        "proposed_rating": "Khá",
    },
    "warning: not registered",
)


def write_thanh_tich_ca_nhan(path: Path) -> Path:
    head = header(
        "SỞ Y TẾ HẬU GIANG",
        "TRUNG TÂM Y TẾ TP NGÃ BẢY",
        "",
        STATE,
        "Ngã Bảy, ngày 16 tháng 11 năm 2020",
        ("", "NGƯỜI BÁO CÁO THÀNH TÍCH"),
    )
    title = [
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị công nhận điển hình cá nhân “Dân vận khéo” cấp thành phố năm 2020",
    ]
    body = [
        "I. SƠ LƯỢC LÝ LỊCH",
        "- Họ tên (ghi đầy đủ bằng chữ in thường, không viết tắt): Nguyễn Thị Hồng Nhung",
        "- Sinh ngày, tháng, năm: 02/9/1982          Giới tính: Nữ",
        "- Quê quán: xã Tân Thành, thành phố Ngã Bảy",
        "- Năm vào Đảng: 2009",
        "- Cơ quan, đơn vị công tác: Trung tâm Y tế thành phố",
        "- Chức vụ (Đảng, chính quyền, đoàn thể): Y sĩ",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "Năm 2020, bản thân thực hiện mô hình “Y sĩ tận tâm với người bệnh nghèo” thuộc lĩnh vực văn hóa - "
        "xã hội. Kết quả:",
        "- Khám, tư vấn miễn phí tại nhà cho 214 lượt người bệnh nghèo, người cao tuổi neo đơn.",
        "- Vận động 35 triệu đồng mua thuốc cho hộ nghèo.",
        "Bản thân tự đánh giá mô hình đạt loại Khá.",
    ]
    return write(path, head, title, body, "Nguyễn Thị Hồng Nhung")


KE_HOACH = Genre(
    "Hội Liên hiệp Phụ nữ thành phố/Kế hoạch xây dựng mô hình năm 2020.docx",
    "registration",
    {
        "model_name": "Phụ nữ tiết kiệm giúp nhau thoát nghèo",
        "unit": "Hội Liên hiệp Phụ nữ thành phố",
        "level": "Cấp thành phố",
        "model_type": "Tập thể",
        "field": "Kinh tế",
        "year": "2020",
    },
    "ok",
)


def write_ke_hoach(path: Path) -> Path:
    head = header(
        "HỘI LHPN TỈNH HẬU GIANG",
        "HỘI LHPN THÀNH PHỐ NGÃ BẢY",
        "Số: 09/KH-HPN",
        STATE,
        "Ngã Bảy, ngày 05 tháng 3 năm 2020",
        ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
    )
    title = ["KẾ HOẠCH", "Xây dựng mô hình “Dân vận khéo” năm 2020"]
    body = [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Xây dựng mô hình “Phụ nữ tiết kiệm giúp nhau thoát nghèo” thuộc lĩnh vực kinh tế, là mô hình tập "
        "thể, đăng ký công nhận cấp thành phố năm 2020.",
        "II. NỘI DUNG THỰC HIỆN",
        "- Vận động mỗi hội viên tiết kiệm 20.000 đồng mỗi tháng.",
        "- Cho hội viên nghèo vay không lãi, hoàn trả trong 12 tháng.",
        "III. THỜI GIAN THỰC HIỆN",
        "Từ tháng 3/2020 đến tháng 12/2020.",
    ]
    return write(path, head, title, body, "Nguyễn Thị Bé Ba")


GENRES = (
    (TO_TRINH, write_to_trinh),
    (CONG_VAN, write_cong_van),
    (CHI_BO, write_chi_bo),
    (THANH_TICH_TAP_THE, write_thanh_tich_tap_the),
    (THANH_TICH_CA_NHAN, write_thanh_tich_ca_nhan),
    (KE_HOACH, write_ke_hoach),
)


def write_genre_samples(folder: Path) -> list[Path]:
    return [writer(folder / genre.path) for genre, writer in GENRES]


def genre_manifest() -> list[dict]:
    """What the pipeline should make of each genre sample (values as the records report them)."""
    return [
        {
            "path": genre.path,
            "kind": genre.kind,
            "layout": "genre",
            "values": genre.values,
            "expect": genre.expect,
        }
        for genre, _ in GENRES
    ]


if __name__ == "__main__":
    for written in write_genre_samples(docgen.ROOT / "inputs"):
        print(written)
