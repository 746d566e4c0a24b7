"""Write the sample submissions in inputs/ (committed; rerunnable and deterministic; clears inputs/ first).

The six models the Ngã Bảy 2020 news item names, with their real units, plus an individual model, a
commune-level model rated Khá, and a proposal whose model was never registered. All three layouts, both
levels, both ratings, tracked changes, files made by LibreOffice, and the faults a secretariat meets: a PDF
renamed to .docx, a proposal without a model name and with the wrong year, a document of neither kind, a Word
lock file and a byte-identical duplicate. `manifest()` says what each file is and what the pipeline should
make of it.

Needs LibreOffice (soffice) for three of the files; copies of those go to tests/fixtures/ too.

Run: python -m tools.make_samples
"""

from __future__ import annotations

import re
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tools import docgen
from tools.docgen import ROOT, header_for, make_values
from tools.foreign_samples import foreign_manifest, write_foreign_samples
from tools.genre_samples import genre_manifest, write_genre_samples
from tools.list_samples import LIST_SAMPLE, ROWS, write_list_samples

INPUTS = ROOT / "inputs"
FIXTURES = ROOT / "tests" / "fixtures"
LO_FORM_FIXTURE = "lo-phieu-dang-ky-mau-form.docx"  # registration form filled, saved by LibreOffice
LO_FODT_FIXTURE = "lo-bao-cao-tu-fodt.docx"  # proposal written by LibreOffice from a flat ODT
LO_DOC_FIXTURE = "lo-phieu-dang-ky-word97.doc"  # legacy Word 97 file (OLE) written by LibreOffice


@dataclass(frozen=True)
class SeedModel:
    """One model of the samples and the values both its documents share."""

    key: str
    given: dict
    registered: bool = True


CITY, COMMUNE = "Cấp thành phố", "Cấp xã, phường"
SEED_MODELS = (
    SeedModel(
        "toa-an",
        {
            "model_name": "Vận dụng công tác dân vận khéo vào công tác giải quyết án",
            "unit": "Chi bộ Tòa án",
            "level": CITY,
            "field": "Xây dựng hệ thống chính trị",
            "proposed_rating": "Tốt",
            "place": "Trên địa bàn thành phố Ngã Bảy",
            "target_group": "Đương sự trong các vụ án dân sự, hôn nhân và gia đình",
            "results": "Giải quyết 186/192 vụ việc dân sự, hôn nhân và gia đình, đạt 96,9%.\n"
            "Hòa giải thành 112 vụ, đạt 60,2%, cao hơn năm 2019 là 8,5%.\n"
            "Không có bản án bị hủy, sửa do lỗi chủ quan; không phát sinh khiếu nại kéo dài.",
            "signer": "Lê Văn Bình",
        },
    ),
    SeedModel(
        "van-phong",
        {
            "model_name": "Sổ vàng khởi nghiệp",
            "unit": "Văn phòng Thành ủy",
            "level": CITY,
            "field": "Kinh tế",
            "proposed_rating": "Tốt",
            "target_group": "Đoàn viên, thanh niên và hộ kinh doanh nhỏ",
            "results": "Ghi nhận 27 ý tưởng khởi nghiệp, hỗ trợ 15 dự án đi vào hoạt động.\n"
            "Kết nối vay vốn ưu đãi 1.250 triệu đồng cho 18 hộ.\n"
            "Tạo việc làm ổn định cho 64 lao động tại địa phương.",
            "signer": "Nguyễn Thanh Hải",
        },
    ),
    SeedModel(
        "tai-nguyen",
        {
            "model_name": "Hướng dẫn phân loại, xử lý rác thải sinh hoạt gia đình tại ấp Đông Bình, "
            "xã Tân Thành",
            "unit": "Phòng Tài nguyên và Môi trường",
            "level": CITY,
            "field": "Văn hóa - xã hội",
            "proposed_rating": "Khá",
            "place": "Ấp Đông Bình, xã Tân Thành",
            "target_group": "Các hộ gia đình ấp Đông Bình",
            "results": "Vận động 125 hộ phân loại rác tại nguồn, đạt 89% số hộ của ấp.\n"
            "Cấp 250 thùng chứa rác, xây 12 hố ủ phân hữu cơ; lượng rác thu gom giảm 35%.\n"
            "Nhân dân đóng góp 1.200 ngày công dọn vệ sinh 2,5 km kênh mương.",
            "signer": "Trương Minh Tâm",
        },
    ),
    SeedModel(
        "lai-hieu",
        {
            "model_name": "Tiểu thương nói không với thực phẩm bẩn",
            "unit": "Phường Lái Hiếu",
            "level": COMMUNE,
            "field": "Văn hóa - xã hội",
            "proposed_rating": "Tốt",
            "place": "Chợ Ngã Bảy, phường Lái Hiếu",
            "target_group": "Tiểu thương kinh doanh thực phẩm tại chợ",
            "results": "Có 168/175 tiểu thương ký cam kết không kinh doanh thực phẩm bẩn.\n"
            "Kiểm tra 96 lượt, phát hiện và tiêu hủy 45 kg thực phẩm không rõ nguồn gốc.\n"
            "Không xảy ra ngộ độc thực phẩm trên địa bàn trong năm 2020.",
            "signer": "Đặng Quốc Khánh",
        },
    ),
    SeedModel(
        "lao-dong",
        {
            "model_name": "Vận động chăm sóc trẻ em không có nguồn nuôi dưỡng",
            "unit": "Phòng Lao động - Thương binh và Xã hội",
            "level": CITY,
            "field": "Văn hóa - xã hội",
            "proposed_rating": "Tốt",
            "target_group": "Trẻ em có hoàn cảnh đặc biệt, không có nguồn nuôi dưỡng",
            "results": "Vận động 32 gia đình nhận chăm sóc, nuôi dưỡng 41 trẻ em.\n"
            "Huy động 350 triệu đồng học bổng và quà tặng; tặng 41 thẻ bảo hiểm y tế.\n"
            "100% trẻ em được chăm sóc đến trường đúng độ tuổi.",
            "signer": "Huỳnh Thị Nga",
        },
    ),
    SeedModel(
        "do-thi",
        {
            "model_name": "Nhà nước và Nhân dân cùng làm hệ thống đèn chiếu sáng công cộng",
            "unit": "Chi bộ Phòng Quản lý đô thị",
            "level": CITY,
            "field": "Kinh tế",
            "proposed_rating": "Khá",
            "target_group": "Hộ dân các tuyến hẻm chưa có đèn chiếu sáng",
            "results": "Lắp đặt 186 bóng đèn chiếu sáng trên 6,8 km tuyến hẻm.\n"
            "Tổng kinh phí 540 triệu đồng, trong đó nhân dân đóng góp 320 triệu đồng.\n"
            "Nhân dân góp 850 ngày công đào móng, dựng trụ.",
            "signer": "Võ Hữu Lộc",
        },
    ),
    SeedModel(
        "ca-nhan",
        {
            "model_name": "Phụ nữ tiết kiệm giúp nhau thoát nghèo",
            "unit": "Hội Liên hiệp Phụ nữ thành phố",
            "person_name": "Trần Thị Mỹ Linh",
            "person_position": "Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố",
            "model_type": "Cá nhân",
            "level": CITY,
            "field": "Kinh tế",
            "proposed_rating": "Tốt",
            "target_group": "Hội viên phụ nữ nghèo, cận nghèo",
            "signer": "Trần Thị Mỹ Linh",
        },
    ),
    SeedModel(
        "tan-thanh",
        {
            "model_name": "Tổ an ninh tự quản khu nhà trọ ấp Đông An, xã Tân Thành",
            "unit": "Xã Tân Thành",
            "level": COMMUNE,
            "field": "Quốc phòng - an ninh",
            "proposed_rating": "Khá",
            "signer": "Phạm Công Hùng",
        },
    ),
    SeedModel(
        "hiep-loi",
        {
            "model_name": "Zalo kết nối cán bộ với nhân dân khu vực 2",
            "unit": "Phường Hiệp Lợi",
            "level": COMMUNE,
            "field": "Xây dựng hệ thống chính trị",
            "proposed_rating": "Tốt",
            "signer": "Bùi Ngọc Thảo",
        },
        registered=False,
    ),
)


@dataclass(frozen=True)
class Sample:
    """One file to write: its path under inputs/, kind, layout, options and value overrides."""

    path: str
    kind: str
    layout: str  # table | paragraph | form | libreoffice-form | libreoffice-fodt
    model: str
    options: dict = field(default_factory=dict)
    pages: int = 1
    overrides: dict = field(default_factory=dict)  # values as this file spells them


# Registrations and proposals: every layout, level, rating and label style at least once.
SAMPLES: tuple[Sample, ...] = (
    Sample(
        "Chi bộ Tòa án/Phiếu đăng ký mô hình DVK 2020.docx",
        "registration",
        "table",
        "toa-an",
        {"colon": True},
    ),
    Sample(
        "Chi bộ Tòa án/BÁO CÁO mô hình DVK 2020.docx",
        "proposal",
        "paragraph",
        "toa-an",
        {"split_runs": True, "quote_name": True, "seed": 1},
    ),
    Sample(
        "Văn phòng Thành ủy/Phieu dang ky - So vang khoi nghiep.docx", "registration", "form", "van-phong"
    ),
    Sample(
        "Văn phòng Thành ủy/Báo cáo Sổ vàng khởi nghiệp (sửa).docx",
        "proposal",
        "table",
        "van-phong",
        {"tracked": True, "stt": True, "label_style": "variant", "seed": 2},
        overrides={"level": "cấp TP", "field": "phát triển kinh tế"},
    ),
    Sample(
        "Phòng Tài nguyên và Môi trường/ĐĂNG KÝ MÔ HÌNH.docx",
        "registration",
        "paragraph",
        "tai-nguyen",
        {"bullet": "dash", "label_style": "upper", "seed": 3},
        overrides={"field": "VH-XH"},
    ),
    Sample(
        "Phòng Tài nguyên và Môi trường/Báo cáo đề nghị công nhận (mẫu 02).docx",
        "proposal",
        "form",
        "tai-nguyen",
    ),
    Sample(
        "Phường Lái Hiếu/Phiếu ĐK DVK năm 2020.docx",
        "registration",
        "table",
        "lai-hieu",
        {"stt": True, "label_style": "mixed", "seed": 4},
        overrides={"level": "cấp xã"},
    ),
    Sample(
        "Phường Lái Hiếu/Tờ trình đề nghị công nhận DVK.docx",
        "proposal",
        "paragraph",
        "lai-hieu",
        {"title": "submission", "bullet": "alpha", "sections": False, "long_inline": True, "seed": 5},
        overrides={"level": "cấp phường", "field": "văn hoá – xã hội"},
    ),
    Sample(
        "Phòng Lao động - Thương binh và Xã hội/Phiếu đăng ký (sửa bằng LibreOffice).docx",
        "registration",
        "libreoffice-form",
        "lao-dong",
    ),
    Sample(
        "Phòng Lao động - Thương binh và Xã hội/Báo cáo mô hình chăm sóc trẻ em.docx",
        "proposal",
        "libreoffice-fodt",
        "lao-dong",
        {"label_style": "variant", "seed": 6},
    ),
    Sample(
        "Chi bộ Phòng Quản lý đô thị/dang ky mo hinh.docx",
        "registration",
        "paragraph",
        "do-thi",
        {"label_style": "ascii", "bullet": "none", "seed": 7},
    ),
    Sample(
        "Chi bộ Phòng Quản lý đô thị/BÁO CÁO KẾT QUẢ DVK 2020.docx",
        "proposal",
        "table",
        "do-thi",
        {"nested": True, "value_below": True, "split_runs": True, "numbered": True, "seed": 8},
        pages=3,
        overrides={"proposed_rating": "loại Khá"},
    ),
    Sample(
        "Hội Liên hiệp Phụ nữ thành phố/Phiếu đăng ký cá nhân - Trần Thị Mỹ Linh.docx",
        "registration",
        "table",
        "ca-nhan",
        {"label_style": "variant", "seed": 9},
    ),
    Sample(
        "Hội Liên hiệp Phụ nữ thành phố/Báo cáo mô hình cá nhân.docx",
        "proposal",
        "paragraph",
        "ca-nhan",
        {"quote_name": True, "curly_quotes": False, "seed": 10},
        overrides={"model_type": "mô hình cá nhân", "level": "thành phố"},
    ),
    Sample("Xã Tân Thành/Phiếu đăng ký.docx", "registration", "form", "tan-thanh"),
    Sample(
        "Xã Tân Thành/Báo cáo kết quả mô hình ANQP.docx",
        "proposal",
        "table",
        "tan-thanh",
        {"value_below": True, "label_style": "mixed", "colon": True, "seed": 11},
        overrides={"field": "ANQP", "proposed_rating": "loại Khá"},
    ),
    Sample(
        "Phường Hiệp Lợi/BÁO CÁO DVK 2020 - Hiệp Lợi.docx",
        "proposal",
        "paragraph",
        "hiep-loi",
        {"label_style": "variant", "seed": 12},
        pages=2,
    ),
)


def sample_plan() -> list[Sample]:
    """The registrations and proposals to write (SAMPLES)."""
    return list(SAMPLES)


def sample_values(sample: Sample) -> dict:
    """The values a file of the plan carries (what a reader should extract, before normalisation)."""
    model = next(m for m in SEED_MODELS if m.key == sample.model)
    seed = SEED_MODELS.index(model)
    values = make_values(sample.kind, seed=seed, pages=sample.pages, **model.given)
    values.update({k: v for k, v in sample.overrides.items() if k in values})
    return values


MISSING_NAME = "Trung tâm Y tế thành phố/Báo cáo DVK.docx"
WRONG_KIND = "Ban Dân vận Thành ủy/Giấy mời họp sơ kết DVK.docx"
NOT_DOCX = "Phòng Lao động - Thương binh và Xã hội/BÁO CÁO DVK (bản PDF).docx"
LOCK_FILE = "Chi bộ Tòa án/~$BÁO CÁO mô hình DVK 2020.docx"
DUPLICATE = "Nộp bổ sung/BAO CAO DVK - Chi bo Toa an.docx"
DUPLICATE_OF = "Chi bộ Tòa án/BÁO CÁO mô hình DVK 2020.docx"


def write_samples(folder: Path = INPUTS, fixtures: Path = FIXTURES) -> list[Path]:
    """Clear `folder`, write every sample, copy LibreOffice-made files into `fixtures`; return the paths."""
    if not docgen.soffice_available():
        raise SystemExit(
            "Cần LibreOffice (soffice) để tạo các tệp mẫu do LibreOffice lưu; hãy cài rồi chạy lại."
        )
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    written = []
    plan = sample_plan()
    for sample in plan:
        if not sample.layout.startswith("libreoffice"):
            written.append(_write_python_docx(folder / sample.path, sample))
    written += _write_libreoffice_samples(
        folder, [s for s in plan if s.layout.startswith("libreoffice")], fixtures
    )
    written += _write_faulty(folder)
    written += write_foreign_samples(folder)
    written += write_genre_samples(folder)
    written += write_list_samples(folder)
    return written


def _write_python_docx(path: Path, sample: Sample) -> Path:
    values = sample_values(sample)
    if sample.layout == "form":
        return docgen.write_form_layout(path, sample.kind, values)
    writer = docgen.write_table_layout if sample.layout == "table" else docgen.write_paragraph_layout
    return writer(path, sample.kind, values, **sample.options)


def _write_libreoffice_samples(folder: Path, samples: list[Sample], fixtures: Path) -> list[Path]:
    """Form filled then saved through Writer (docx -> odt -> docx); a proposal typed in Writer (fodt)."""
    form = next(s for s in samples if s.layout == "libreoffice-form")
    fodt = next(s for s in samples if s.layout == "libreoffice-fodt")
    with tempfile.TemporaryDirectory(prefix="dvk-samples-") as tmp:
        work = Path(tmp)
        docgen.write_form_layout(work / "form.docx", form.kind, sample_values(form))
        odt = docgen.soffice_convert([work / "form.docx"], "odt", work / "odt")
        docgen.write_fodt(work / "report.fodt", fodt.kind, sample_values(fodt), **fodt.options)
        made = docgen.soffice_convert([*odt, work / "report.fodt"], "docx:MS Word 2007 XML", work / "docx")
        legacy = docgen.soffice_convert([work / "form.docx"], "doc:MS Word 97", work / "doc")[0]
        targets = [folder / form.path, folder / fodt.path]
        fixtures.mkdir(parents=True, exist_ok=True)
        for source, target, fixture in zip(made, targets, (LO_FORM_FIXTURE, LO_FODT_FIXTURE), strict=True):
            docgen.normalise_libreoffice_docx(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            shutil.copyfile(source, fixtures / fixture)
        shutil.copyfile(legacy, fixtures / LO_DOC_FIXTURE)
        pdf = docgen.soffice_convert([work / "docx" / "report.docx"], "pdf", work / "pdf")[0]
        (folder / NOT_DOCX).parent.mkdir(parents=True, exist_ok=True)
        (folder / NOT_DOCX).write_bytes(_pin_pdf_dates(pdf.read_bytes()))
    return [*targets, folder / NOT_DOCX]


def _pin_pdf_dates(data: bytes) -> bytes:
    """Same-length replacement of the dates and file id LibreOffice writes, so xref offsets stay valid."""
    data = re.sub(rb"\(D:\d{14}", b"(D:20201116080000", data)
    data = re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + b"0" * 32, data)
    return re.sub(rb"<[0-9A-F]{32}>", b"<" + b"0" * 32 + b">", data)


def _write_faulty(folder: Path) -> list[Path]:
    """A proposal without model name and with year 2019; a Giấy mời; a lock file; a duplicate."""
    values = make_values(
        "proposal", seed=40, unit="Trung tâm Y tế thành phố", year="2019", proposed_rating="Khá"
    )
    values.pop("model_name")
    missing = docgen.write_table_layout(folder / MISSING_NAME, "proposal", values, blank=("model_name",))
    other = _write_invitation(folder / WRONG_KIND)
    lock = folder / LOCK_FILE
    lock.write_bytes(word_lock_bytes("Nguyen Van B"))
    duplicate = folder / DUPLICATE
    duplicate.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / DUPLICATE_OF, duplicate)
    return [missing, other, lock, duplicate]


def word_lock_bytes(user: str) -> bytes:
    """The 162-byte owner file Word leaves beside an open document: name length, ANSI name padded to 54
    bytes, then the UTF-16 name, zero padded."""
    ansi = user.encode("ascii", "replace")[:53]
    head = bytes([len(ansi)]) + ansi.ljust(53, b" ")
    wide = struct.pack("<H", len(user)) + user.encode("utf-16-le")
    return (head + wide).ljust(162, b"\x00")[:162]


def _write_invitation(path: Path) -> Path:
    header = header_for("Ban Dân vận Thành ủy", "proposal")
    paragraphs = [
        "Thực hiện Kế hoạch năm 2020, Ban Dân vận Thành ủy tổ chức họp sơ kết phong trào thi đua "
        "“Dân vận khéo” năm 2020.",
        "Thành phần: đại diện lãnh đạo các cơ quan, đơn vị có mô hình “Dân vận khéo” đăng ký năm 2020.",
        "Thời gian: 08 giờ 00, ngày 20 tháng 11 năm 2020. Địa điểm: Hội trường Thành ủy Ngã Bảy.",
        "Đề nghị các đồng chí sắp xếp thời gian đến dự đúng giờ.",
    ]
    return docgen.write_other_document(
        path, header, ["GIẤY MỜI", "Họp sơ kết phong trào “Dân vận khéo”"], paragraphs, "Ngô Thị Kim Lan"
    )


def manifest() -> list[dict]:
    """What each sample is and what the pipeline should conclude, for tests and the README."""
    entries = []
    for sample in sample_plan():
        model = next(m for m in SEED_MODELS if m.key == sample.model)
        entries.append(
            {
                "path": sample.path,
                "kind": sample.kind,
                "layout": sample.layout,
                "values": sample_values(sample),
                "expect": "ok"
                if model.registered or sample.kind == "registration"
                else "warning: not registered",
            }
        )
    entries += [
        {
            "path": MISSING_NAME,
            "kind": "proposal",
            "layout": "table",
            "expect": "error: no model name, year 2019",
        },
        {
            "path": WRONG_KIND,
            "kind": "",
            "layout": "other",
            "expect": "error: neither registration nor proposal",
        },
        {"path": NOT_DOCX, "kind": "", "layout": "pdf", "expect": "error: a PDF named .docx"},
        {"path": LOCK_FILE, "kind": "", "layout": "lock", "expect": "skipped: Word lock file"},
        {
            "path": DUPLICATE,
            "kind": "proposal",
            "layout": "paragraph",
            "expect": f"duplicate of {DUPLICATE_OF}",
        },
        *foreign_manifest(),
        *genre_manifest(),
        {
            "path": LIST_SAMPLE,
            "kind": "registration",
            "layout": "list",
            "expect": f"list: {len(ROWS)} registrations, one per row",
        },
    ]
    return entries


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else INPUTS
    paths = write_samples(folder)
    print(f"{len(paths)} tệp mẫu trong {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
