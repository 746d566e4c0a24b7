"""The genre benchmark scores what a clerk would have to correct; it reads the corpus as the pipeline does."""

from __future__ import annotations

from corpora.genres import generate
from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.model import Analysis, FieldValue, Kind, Record
from tools.genre_scoring import evaluate_file, match_records, same, score_record


def test_a_unit_is_right_under_any_complete_name_the_document_gives_it():
    alternatives = ["Đảng ủy phường Lái Hiếu"]
    assert same("unit", "Phường Lái Hiếu", "Đảng ủy Phường Lái Hiếu", alternatives)
    assert same("unit", "Chi bộ khu vực 2, phường Lái Hiếu", "Chi bộ khu vực 2 - phường Lái Hiếu", [])
    assert not same("unit", "Chi bộ khu vực 2, phường Lái Hiếu", "Chi bộ khu vực 2", [])
    assert not same("unit", "Phường Lái Hiếu", "Phường Hiệp Lợi", alternatives)


def test_results_are_right_when_they_begin_the_truth_and_short_values_ignore_a_full_stop():
    truth = "Giúp 5 hộ thoát nghèo.\nTrao 3 căn nhà tình thương."
    assert same("results", truth, "- Giúp 5 hộ thoát nghèo.\n- Trao 3 căn nhà tình thương.", [])
    assert same("results", truth, "Giúp 5 hộ thoát nghèo.", [])
    assert not same("results", truth, "Phấn đấu đạt kết quả cao nhất.", [])
    assert same("period", "Từ tháng 3/2020 đến tháng 12/2020", "Từ tháng 3/2020 đến tháng 12/2020.", [])
    assert not same("level", "Cấp thành phố", "Cấp xã, phường", [])


def record_analysis(fields: dict[str, str], where: str = "đoạn 3") -> Analysis:
    values = {key: FieldValue(value, where) for key, value in fields.items()}
    return Analysis(Record(Kind.PROPOSAL, "a.docx", "0" * 64, values))


def test_a_value_where_the_file_states_none_counts_as_filled_and_a_wrong_one_needs_correction():
    entry = {"file": "a.docx", "genre": "cong_van", "kind": "proposal"}
    truth = {
        "truth": {"model_name": "Bữa cơm nghĩa tình", "unit": "Phòng Kinh tế", "year": "2020"},
        "alternatives": {},
        "inferred": [],
        "unscored": [],
        "row": 0,
        "valid": False,
    }
    found = record_analysis(
        {"model_name": "Bữa cơm nghĩa tình", "unit": "Phòng Y tế", "model_type": "Tập thể"}
    )
    result = score_record(entry, truth, found, [])
    misses = {m["field"]: m for m in result.misses}
    assert result.correct == ["model_name"]
    assert misses["model_type"] == {
        "field": "model_type",
        "expected": "",
        "got": "Tập thể",
        "from": "label: đoạn 3",
    }
    assert misses["unit"]["got"] == "Phòng Y tế" and not result.accepted
    assert misses["year"]["expected"] == "2020" and not misses["year"]["got"]


def test_list_records_are_matched_by_their_row_before_their_order():
    truths = [{"row": 2, "truth": {"model_name": "A"}}, {"row": 3, "truth": {"model_name": "B"}}]
    second = record_analysis({"model_name": "B"}, "bảng 2, hàng 3, cột 2")
    first = record_analysis({"model_name": "A"}, "bảng 2, hàng 2, cột 2")
    pairs = match_records(truths, [second, first])
    assert [found.record.get("model_name") for _, found in pairs] == ["A", "B"]


def test_every_generated_genre_goes_through_the_pipeline(tmp_path):
    manifest = generate(tmp_path, per_genre=1, part="dev", libreoffice_share=0.0)
    config = load_config(DEFAULT_CONFIG)
    for entry in manifest["files"]:
        results, _, seconds = evaluate_file(tmp_path / entry["file"], entry, config)
        assert results and seconds >= 0
        assert all(r.genre == entry["genre"] and r.kind == entry["kind"] for r in results)
