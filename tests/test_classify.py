"""Registration, proposal or neither, from the document's title words: every rule, including the
fallback on a document whose title sits in a table (no title paragraph), on hand-written openings."""

from __future__ import annotations

import pytest

from pipeline.extract import classify
from pipeline.model import Block, DocText, Kind


def paragraphs(*texts: str) -> DocText:
    return DocText(tuple(Block("para", text, f"đoạn {i}") for i, text in enumerate(texts, 1)))


def cells(*texts: str) -> DocText:
    return DocText(
        tuple(Block("cell", text, f"bảng 1, hàng {i}, cột 1", 1, i, 1) for i, text in enumerate(texts, 1))
    )


@pytest.mark.parametrize(
    "doc, kind",
    [
        (
            paragraphs("PHIẾU ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020", "Tên mô hình: Sổ vàng"),
            Kind.REGISTRATION,
        ),
        (paragraphs("BÁO CÁO", "Kết quả thực hiện mô hình “Dân vận khéo” năm 2020"), Kind.PROPOSAL),
        (paragraphs("TỜ TRÌNH đề nghị công nhận mô hình “Dân vận khéo”"), Kind.PROPOSAL),
        (paragraphs("Đề nghị công nhận mô hình “Dân vận khéo” năm 2020"), Kind.PROPOSAL),
        (paragraphs("Thành tích thực hiện mô hình “Dân vận khéo”"), Kind.PROPOSAL),
        (paragraphs("Tổng kết mô hình “Dân vận khéo” năm 2020"), Kind.PROPOSAL),
        (paragraphs("ĐĂNG KÝ XÂY DỰNG MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020"), Kind.REGISTRATION),
        # both words: the form's name decides before the report's
        (paragraphs("PHIẾU ĐĂNG KÝ BÁO CÁO MÔ HÌNH DÂN VẬN KHÉO"), Kind.REGISTRATION),
        (paragraphs("GIẤY MỜI họp sơ kết phong trào thi đua"), None),  # not about the models
        (paragraphs("Kế hoạch năm 2021 về mô hình dân vận khéo"), None),  # about them, but no form's title
        # the title in a table: the opening's words decide
        (cells("PHIẾU ĐĂNG KÝ", "Tên mô hình", "Sổ vàng"), Kind.REGISTRATION),
        (cells("ĐĂNG KÝ MÔ HÌNH", "Sổ vàng"), Kind.REGISTRATION),
        (cells("Đăng ký xây dựng mô hình", "Sổ vàng"), Kind.REGISTRATION),
        (cells("BÁO CÁO KẾT QUẢ", "thực hiện mô hình Sổ vàng"), Kind.PROPOSAL),
        (cells("TỜ TRÌNH", "mô hình Sổ vàng"), Kind.PROPOSAL),
        (cells("ĐỀ NGHỊ CÔNG NHẬN", "mô hình Sổ vàng"), Kind.PROPOSAL),
        (cells("BÁO CÁO MÔ HÌNH", "Sổ vàng"), Kind.PROPOSAL),
        (cells("Danh sách", "mô hình Sổ vàng"), None),
    ],
)
def test_kind_from_the_title(doc, kind):
    assert classify(doc) == kind


def test_the_models_may_be_named_only_further_down(tmp_path):
    opening = [f"Dòng {i} của phần mở đầu." for i in range(45)]
    named_late = paragraphs("BÁO CÁO", *opening, "Kết quả thực hiện mô hình “Dân vận khéo”")
    assert classify(named_late) is None  # no title names them: the title words decide nothing
    in_cells = cells("BÁO CÁO KẾT QUẢ", *opening, "mô hình Sổ vàng")
    assert classify(in_cells) == Kind.PROPOSAL
    too_late = cells("BÁO CÁO KẾT QUẢ", *[f"Dòng {i}." for i in range(205)], "mô hình Sổ vàng")
    assert classify(too_late) is None
