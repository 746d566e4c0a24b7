"""What decides acceptance, pinned: every validation rule's code, severity, Vietnamese message and the
status it gives the file, in one table. Changing a rule's severity (or its wording) fails here.

The records are built directly (not extracted), so this table tests the rules and the status decision
alone; the end-to-end tests at the bottom run the same decisions through `dvk check` on real files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from pathlib import Path

import pytest

import pipeline.validate
from pipeline.check import file_report, run_check
from pipeline.config import init_workspace, load_workspace
from pipeline.discover import Found
from pipeline.model import Analysis, FieldValue, Kind, Record
from pipeline.validate import validate_all
from tests.docxbuild import REGISTRATION_TITLE, p, proposal_paragraphs, write_docx

# A complete, valid proposal of the default configuration (Thành ủy Ngã Bảy, 2020).
VALID = {
    "model_name": "Sổ vàng khởi nghiệp",
    "unit": "Văn phòng Thành ủy",
    "level": "Cấp thành phố",
    "model_type": "Tập thể",
    "field": "Kinh tế",
    "year": "2020",
    "period": "Từ tháng 01/2020 đến tháng 12/2020",
    "results": "Hỗ trợ 12 hộ khởi nghiệp.",
    "proposed_rating": "Tốt",
}
INDIVIDUAL = {**VALID, "model_type": "Cá nhân", "person_name": "Lê Văn Tám", "person_position": "Bí thư"}
UNITS_OF = "Cấp thành phố, Cấp xã, phường"
TYPES_OF = "Tập thể, Cá nhân"
FIELDS_OF = "Kinh tế, Văn hóa - xã hội, Quốc phòng - an ninh, Xây dựng hệ thống chính trị"
RATINGS_OF = "Tốt, Khá"


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    fields: dict  # the proposal's fields ("": the field is absent)
    code: str
    severity: str
    status: str  # the file's status when this is its only finding
    message: str
    where: str = ""
    min_period_months: int = 0
    others: tuple[dict, ...] = ()  # other files' records (registrations, duplicates)
    extra: tuple[tuple[str, str, str, str], ...] = ()  # findings of other rules the same fault gives


def without(base: dict, *keys: str) -> dict:
    return {key: value for key, value in base.items() if key not in keys}


CASES = (
    Case(
        "missing model name",
        without(VALID, "model_name"),
        "MISSING_FIELD",
        "error",
        "rejected",
        'Thiếu mục bắt buộc "Tên mô hình".',
    ),
    Case(
        "missing results (proposals only)",
        without(VALID, "results"),
        "MISSING_FIELD",
        "error",
        "rejected",
        'Thiếu mục bắt buộc "Kết quả đạt được".',
    ),
    Case(
        "empty rating",
        {**VALID, "proposed_rating": ""},
        "MISSING_FIELD",
        "error",
        "rejected",
        'Thiếu mục bắt buộc "Tự đánh giá, đề nghị xếp loại".',
    ),
    Case(
        "collective without unit",
        without(VALID, "unit"),
        "MISSING_FIELD",
        "error",
        "rejected",
        'Thiếu mục bắt buộc "Đơn vị thực hiện".',
    ),
    Case(
        "individual without name",
        without(INDIVIDUAL, "person_name"),
        "MISSING_FIELD",
        "error",
        "rejected",
        'Thiếu mục bắt buộc "Họ và tên cá nhân".',
        extra=(
            (
                "INDIVIDUAL_WITHOUT_PERSON",
                "error",
                "Mô hình cá nhân phải ghi rõ họ và tên cá nhân của người thực hiện.",
                "",
            ),
        ),
    ),
    Case(
        "individual without name nor position",
        without(INDIVIDUAL, "person_name", "person_position"),
        "MISSING_FIELD",
        "error",
        "rejected",
        'Thiếu mục bắt buộc "Họ và tên cá nhân".',
        extra=(
            (
                "INDIVIDUAL_WITHOUT_PERSON",
                "error",
                "Mô hình cá nhân phải ghi rõ họ và tên cá nhân và chức vụ của người thực hiện.",
                "",
            ),
        ),
    ),
    Case(
        "level outside the vocabulary",
        {**VALID, "level": "Cấp tỉnh"},
        "UNKNOWN_LEVEL",
        "error",
        "rejected",
        f'Cấp công nhận "Cấp tỉnh" không thuộc danh mục: {UNITS_OF}.',
        "đoạn level",
    ),
    Case(
        "type outside the vocabulary",
        {**VALID, "model_type": "Hộ gia đình"},
        "UNKNOWN_TYPE",
        "error",
        "rejected",
        f'Loại mô hình (tập thể/cá nhân) "Hộ gia đình" không thuộc danh mục: {TYPES_OF}.',
        "đoạn model_type",
    ),
    Case(
        "field outside the vocabulary",
        {**VALID, "field": "Thể thao"},
        "UNKNOWN_FIELD",
        "error",
        "rejected",
        f'Lĩnh vực "Thể thao" không thuộc danh mục: {FIELDS_OF}.',
        "đoạn field",
    ),
    Case(
        "rating outside the vocabulary",
        {**VALID, "proposed_rating": "Xuất sắc nhất"},
        "UNKNOWN_RATING",
        "error",
        "rejected",
        f'Tự đánh giá, đề nghị xếp loại "Xuất sắc nhất" không thuộc danh mục: {RATINGS_OF}.',
        "đoạn proposed_rating",
    ),
    Case(
        "unit close to a known one",
        {**VALID, "unit": "Phòng Tài nguyên Môi trường"},
        "UNIT_MISTYPED",
        "warning",
        "accepted",
        'Đơn vị "Phòng Tài nguyên Môi trường" không có trong danh sách đơn vị; có phải là "Phòng Tài nguyên'
        ' và Môi trường"? Nếu đúng là đơn vị khác, bổ sung vào danh sách đơn vị.',
        "đoạn unit",
    ),
    Case(
        "unit like no known one",
        {**VALID, "unit": "Hợp tác xã Quyết Thắng"},
        "UNKNOWN_UNIT",
        "info",
        "accepted",
        'Đơn vị "Hợp tác xã Quyết Thắng" chưa có trong danh sách đơn vị.',
        "đoạn unit",
    ),
    Case(
        "a body of a ward is not the ward",
        {**VALID, "unit": "Trạm Y tế xã Tân Thành"},
        "UNKNOWN_UNIT",
        "info",
        "accepted",
        'Đơn vị "Trạm Y tế xã Tân Thành" chưa có trong danh sách đơn vị.',
        "đoạn unit",
    ),
    Case(
        "individual without position",
        without(INDIVIDUAL, "person_position"),
        "INDIVIDUAL_WITHOUT_PERSON",
        "error",
        "rejected",
        "Mô hình cá nhân phải ghi rõ chức vụ của người thực hiện.",
    ),
    Case(
        "wrong year",
        {**VALID, "year": "2019"},
        "WRONG_YEAR",
        "error",
        "rejected",
        'Năm "2019" không đúng năm của đợt công nhận (2020).',
        "đoạn year",
    ),
    Case(
        "period unreadable",
        {**VALID, "period": "cả năm"},
        "PERIOD_UNREADABLE",
        "warning",
        "accepted",
        'Không xác định được thời gian thực hiện (ghi dạng "từ tháng 01/2020 đến tháng 12/2020") '
        "để kiểm tra thời gian tối thiểu 6 tháng.",
        "đoạn period",
        min_period_months=6,
    ),
    Case(
        "period missing",
        without(VALID, "period"),
        "PERIOD_UNREADABLE",
        "warning",
        "accepted",
        'Không xác định được thời gian thực hiện (ghi dạng "từ tháng 01/2020 đến tháng 12/2020") '
        "để kiểm tra thời gian tối thiểu 6 tháng.",
        min_period_months=6,
    ),
    Case(
        "period too short",
        {**VALID, "period": "Từ tháng 10/2020 đến tháng 12/2020"},
        "PERIOD_TOO_SHORT",
        "error",
        "rejected",
        "Thời gian thực hiện 3 tháng, ngắn hơn mức tối thiểu 6 tháng.",
        "đoạn period",
        min_period_months=6,
    ),
    Case(
        "never registered",
        VALID,
        "NOT_REGISTERED",
        "warning",
        "accepted",
        'Mô hình "Sổ vàng khởi nghiệp" không có phiếu đăng ký trong inputs/.',
        others=({"kind": Kind.REGISTRATION, "model_name": "Mô hình khác"},),
    ),
    Case(
        "proposed twice",
        VALID,
        "DUPLICATE_PROPOSAL",
        "error",
        "rejected",
        "Mô hình này được đề nghị hai lần: trùng với tệp khác.docx.",
        others=({"kind": Kind.PROPOSAL, **VALID, "model_name": "“Sổ vàng  khởi nghiệp.”"},),
    ),
)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_workspace(init_workspace(tmp_path_factory.mktemp("validate") / "ws")).config


def record(fields: dict, path: str = "a.docx", kind: Kind = Kind.PROPOSAL) -> Record:
    values = {key: FieldValue(value, f"đoạn {key}") for key, value in fields.items() if key != "kind"}
    return Record(kind, path, "sha-" + path, values)


def findings(case: Case, config) -> list:
    config = dataclasses.replace(config, min_period_months=case.min_period_months)
    others = [record(fields, "khác.docx", fields["kind"]) for fields in case.others]
    return validate_all([record(case.fields), *others], config)["a.docx"]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule_code_severity_message_and_place(case, config):
    found = [(p.code, p.severity, p.message, p.where) for p in findings(case, config)]
    assert found == [(case.code, case.severity, case.message, case.where), *case.extra]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule_gives_the_file_its_status(case, config):
    problems = findings(case, config)
    entry = Found(Path("a.docx"), "a.docx", (), "sha-a.docx")
    analysis = Analysis(record(case.fields), (), tuple(problems), "MH-2020-X")
    report = file_report(entry, analysis, {"a.docx": problems})
    assert report.status == case.status


def test_valid_records_have_no_findings(config):
    strict = dataclasses.replace(config, min_period_months=12)
    registration = record(VALID, "dk.docx", Kind.REGISTRATION)
    for fields in (VALID, INDIVIDUAL):
        assert validate_all([record(fields), registration], strict) == {"a.docx": [], "dk.docx": []}


@pytest.mark.skipif("MUTANT_UNDER_TEST" in os.environ, reason="mutmut: the source holds mutants")
def test_every_rule_code_is_in_the_table():
    """A new rule in validate.py must be pinned here too."""
    source = Path(pipeline.validate.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'"([A-Z]+(?:_[A-Z]+)+)"', source))
    assert codes == {case.code for case in CASES}


def test_several_findings_are_all_reported_in_rule_order(config):
    fields = {**without(VALID, "results"), "level": "Cấp tỉnh", "year": "2019"}
    codes = [p.code for p in findings(Case("", fields, "", "", "", ""), config)]
    assert codes == ["MISSING_FIELD", "UNKNOWN_LEVEL", "WRONG_YEAR"]


# ---------------------------------------------------------------------------- end to end


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    write_docx(
        root / "inputs" / "đăng ký.docx",
        p(REGISTRATION_TITLE),
        p("Tên mô hình: Sổ vàng khởi nghiệp"),
        p("Đơn vị thực hiện: Văn phòng Thành ủy"),
        p("Cấp: Cấp thành phố"),
        p("Lĩnh vực: Kinh tế"),
    )
    return root


def check_one(root: Path, name: str, *body: str):
    write_docx(root / "inputs" / name, *body)
    report = next(r for r in run_check(load_workspace(root)).files if r.path == name)
    return report.status, [(problem.code, problem.severity) for problem in report.problems]


def test_wrong_year_rejects_the_proposal(workspace):
    body = (*proposal_paragraphs(model_name="Sổ vàng khởi nghiệp"), p("Năm: 2019"))
    # The title says 2020: the label's year stays, and the disagreement is shown beside the error.
    assert check_one(workspace, "năm.docx", *body) == (
        "rejected",
        [("SOURCES_DISAGREE", "warning"), ("WRONG_YEAR", "error")],
    )


def test_individual_without_position_rejects_the_proposal(workspace):
    body = (
        *proposal_paragraphs(model_name="Sổ vàng khởi nghiệp"),
        p("Loại mô hình: Cá nhân"),
        p("Họ và tên: Lê Văn Tám"),
    )
    status, problems = check_one(workspace, "cá nhân.docx", *body)
    assert (status, problems) == ("rejected", [("INDIVIDUAL_WITHOUT_PERSON", "error")])


def test_never_registered_is_accepted_with_a_warning(workspace):
    body = proposal_paragraphs(model_name="Mô hình chưa đăng ký")
    assert check_one(workspace, "chưa.docx", *body) == ("accepted", [("NOT_REGISTERED", "warning")])


# ---------------------------------------------------------------------------- proposal ids

# The id is a contract (it names the model in the workbook and in every later run): "MH-", the year, and
# the first 10 hex digits (upper case) of the SHA-256 of "name|unit or person|year", each part lower-cased
# without spaces or punctuation. The bases below are written out by hand.
ID_CASES = [
    ({"model_name": "Sổ vàng khởi nghiệp", "unit": "Văn phòng Thành ủy", "year": "2020"},
     "sổvàngkhởinghiệp|vănphòngthànhủy|2020", "2020"),
    ({"model_name": "“SỔ VÀNG  khởi nghiệp.”", "unit": "Văn phòng Thành uỷ", "year": "2020"},
     "sổvàngkhởinghiệp|vănphòngthànhủy|2020", "2020"),
    ({"model_name": "Phụ nữ tiết kiệm", "unit": "Hội Liên hiệp Phụ nữ thành phố",
      "person_name": "Trần Thị Mỹ Linh", "year": "2021"}, "phụnữtiếtkiệm|trầnthịmỹlinh|2021", "2021"),
    ({"model_name": "Sổ vàng khởi nghiệp", "unit": "Văn phòng Thành ủy"},
     "sổvàngkhởinghiệp|vănphòngthànhủy|", "0000"),
]  # fmt: skip


@pytest.mark.parametrize("fields, basis, year", ID_CASES)
def test_proposal_id_is_the_documented_hash(fields, basis, year):
    digest = hashlib.sha256(basis.encode()).hexdigest()[:10].upper()
    assert pipeline.validate.proposal_id(record(fields)) == f"MH-{year}-{digest}"


def test_proposal_id_changes_with_each_part():
    base = {"model_name": "Sổ vàng", "unit": "Văn phòng Thành ủy", "year": "2020"}
    ids = {
        pipeline.validate.proposal_id(record(fields))
        for fields in (
            base,
            {**base, "model_name": "Sổ vàng mới"},
            {**base, "unit": "Phòng Kinh tế"},
            {**base, "year": "2021"},
            {**base, "person_name": "Lê Văn Tám"},
            {**base, "model_name": "Sổ vang"},  # a tone is part of the name
        )
    }
    assert len(ids) == 6


def test_no_individual_type_configured_means_no_record_is_individual(config):
    collective_only = dataclasses.replace(config, types=config.types[:1])
    untyped = without(VALID, "model_type")
    codes = [(p.code, p.message) for p in validate_all([record(untyped)], collective_only)["a.docx"]]
    assert codes == [("MISSING_FIELD", 'Thiếu mục bắt buộc "Loại mô hình (tập thể/cá nhân)".')]


@pytest.mark.parametrize(
    "other, duplicate",
    [
        ({"model_name": "“Sổ vàng  khởi nghiệp.”"}, True),  # the same model, spelled loosely
        ({"unit": "Phòng Kinh tế"}, False),  # the same name from another unit is another model
        ({"model_name": "Đèn chiếu sáng"}, False),  # another model of the same unit
        ({"year": "2020", "results": "Khác."}, True),  # other fields do not matter
    ],
)
def test_duplicates_are_the_same_name_and_unit(config, other, duplicate):
    found = validate_all([record(VALID), record({**VALID, **other}, "b.docx")], config)
    assert ("DUPLICATE_PROPOSAL" in [p.code for p in found["a.docx"]]) == duplicate


@pytest.mark.parametrize("person, duplicate", [("Lê Văn Tám", True), ("Trần Thị Mỹ Linh", False)])
def test_individual_duplicates_are_the_same_name_and_person(config, person, duplicate):
    second = {**INDIVIDUAL, "person_name": person}
    found = validate_all([record(INDIVIDUAL), record(second, "b.docx")], config)
    assert ("DUPLICATE_PROPOSAL" in [p.code for p in found["a.docx"]]) == duplicate


def test_a_model_proposed_three_times_names_both_other_files(config):
    records = [record(VALID, name) for name in ("a.docx", "b.docx", "c.docx")]
    [problem] = validate_all(records, config)["a.docx"]
    assert problem.message == "Mô hình này được đề nghị ba lần: trùng với tệp b.docx, c.docx."
