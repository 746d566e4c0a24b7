"""The counting parts of the build, against expectations written out by hand: the stats contract, the
refusals when counts cannot add up, the grouping into decisions, the list's order, sections and running
numbers, the report's line per level, Roman numerals."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline import build
from pipeline.config import init_workspace, load_workspace
from pipeline.model import DvkError, Model

CITY, COMMUNE = "Cấp thành phố", "Cấp xã, phường"


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_workspace(init_workspace(tmp_path_factory.mktemp("counts") / "ws")).config


def model(
    id_: str, name: str, level: str = CITY, kind: str = "Tập thể", rating: str = "Tốt", unit: str = ""
) -> Model:
    return Model(id_, name, unit or "Văn phòng Thành ủy", level, kind, "Kinh tế", rating)


MODELS = [
    model("A", "Sổ vàng khởi nghiệp"),
    model("B", "Đèn chiếu sáng", rating="Khá"),
    model("C", "Ánh sáng đường quê", kind="Cá nhân"),
    model("D", "Zalo kết nối", level=COMMUNE, unit="Phường Hiệp Lợi"),
    model("E", "Chợ an toàn", level=COMMUNE, unit="Phường Lái Hiếu", rating="Khá"),
    model("F", "Bếp ăn", level=COMMUNE, unit="Hội Phụ nữ phường Lái Hiếu"),
]


def test_campaign_stats_contract(config):
    assert build.campaign_stats(config, MODELS, 187) == {
        "year": 2020,
        "registered": 187,
        "recognized": 6,
        "levels": [
            {
                "level": CITY,
                "recognized": 3,
                "collective": 2,
                "individual": 1,
                "ratings": {"Tốt": 2, "Khá": 1},
            },
            {
                "level": COMMUNE,
                "recognized": 3,
                "collective": 3,
                "individual": 0,
                "ratings": {"Tốt": 2, "Khá": 1},
            },
        ],
    }


@pytest.mark.parametrize(
    "models, registered, message",
    [
        ([], 10, "Không có mô hình nào được công nhận: không lập quyết định."),
        ([MODELS[0], MODELS[0], MODELS[1]], 10, "Mô hình mã A xuất hiện 2 lần."),
        ([model("X", "  ")], 10, "Mô hình mã X không có tên: không lập được danh sách."),
        (
            [model("X", "Tên", level="Cấp tỉnh")],
            10,
            "Mô hình mã X có cấp “Cấp tỉnh” không có trong dvk.toml (Cấp thành phố, Cấp xã, phường): "
            "số liệu sẽ không khớp, không lập quyết định.",
        ),
        (
            [model("X", "Tên", kind="Hộ")],
            10,
            "Mô hình mã X có loại mô hình “Hộ” không có trong dvk.toml (Cá nhân, Tập thể): "
            "số liệu sẽ không khớp, không lập quyết định.",
        ),
        (
            [model("X", "Tên", rating="Xuất sắc")],
            10,
            "Mô hình mã X có xếp loại “Xuất sắc” không có trong dvk.toml (Khá, Tốt): "
            "số liệu sẽ không khớp, không lập quyết định.",
        ),
        (
            MODELS,
            5,
            "Số mô hình đăng ký (5) ít hơn số mô hình được công nhận (6): "
            "kiểm tra lại campaign.registered trong dvk.toml hoặc các phiếu đăng ký.",
        ),
    ],
)
def test_counts_that_cannot_add_up_are_refused(config, models, registered, message):
    with pytest.raises(DvkError) as refused:
        build.check_counts(config, models, registered)
    assert str(refused.value) == message


def test_counts_that_add_up_pass(config):
    build.check_counts(config, MODELS, 6)  # as many registered as recognised is enough


def test_one_decision_per_level_in_level_order(config):
    groups = build.decision_groups(config, list(reversed(MODELS)))
    assert [(issuer.main, level.label, [m.id for m in members]) for issuer, level, members in groups] == [
        (True, CITY, ["C", "B", "A"]),
        (True, COMMUNE, ["F", "E", "D"]),
    ]
    only_city = build.decision_groups(config, MODELS[:2])
    assert [level.label for _, level, _ in only_city] == [CITY]


def test_commune_decisions_one_per_commune_in_vietnamese_order(config):
    decision = {**config.decision, "commune_decisions": "commune", "commune": {"signer": "Nguyễn Văn B"}}
    communal = dataclasses.replace(config, decision=decision)
    models = [
        *MODELS,
        model("G", "Chợ quê", level=COMMUNE, unit="Xã Tân Thành"),
        model("H", "Đê bao", level=COMMUNE, unit="Hội Nông dân xã Đại Thành"),
        model("K", "Hẻm sáng", level=COMMUNE, unit="Chi hội phụ nữ phường Lái Hiếu khu vực 2"),
    ]
    groups = build.decision_groups(communal, models)
    assert [(issuer.name, [m.id for m in members]) for issuer, _, members in groups] == [
        ("Thành ủy Ngã Bảy", ["A", "B", "C"]),
        ("Đảng ủy phường Hiệp Lợi", ["D"]),
        ("Đảng ủy phường Lái Hiếu", ["E", "F", "K"]),  # the configured commune, not "… khu vực 2"
        ("Đảng ủy xã Đại Thành", ["H"]),  # Đ after D, before T
        ("Đảng ủy xã Tân Thành", ["G"]),
    ]
    assert [issuer.main for issuer, _, _ in groups] == [True, False, False, False, False]


def test_commune_models_alone_still_get_their_decisions(config):
    groups = build.decision_groups(config, MODELS[3:])
    assert [(level.label, [m.id for m in members]) for _, level, members in groups] == [
        (COMMUNE, ["D", "E", "F"])
    ]


def test_list_order_is_type_then_rating_then_name_then_unit(config):
    models = [
        model("1", "Bếp ăn", rating="Khá"),
        model("2", "Ánh sáng", kind="Cá nhân"),
        model("3", "Đèn đường"),
        model("4", "Bếp ăn", unit="Phòng Kinh tế"),
        model("5", "Bếp ăn", unit="Ban Dân vận Thành ủy"),
        model("6", "An toàn"),
    ]
    assert [m.id for m in build.list_order(config, models)] == ["6", "5", "4", "3", "1", "2"]


def test_list_sections_number_rows_through_the_whole_list(config):
    ordered = build.list_order(config, MODELS)
    sections = build.list_sections(config, ordered)
    shape = [
        (
            section["heading"],
            [(group["heading"], [row["stt"] for row in group["rows"]]) for group in section["groups"]],
        )
        for section in sections
    ]
    assert shape == [
        (
            "I. MÔ HÌNH TẬP THỂ (05 mô hình)",
            [("1. Xếp loại Tốt (03 mô hình)", [1, 2, 3]), ("2. Xếp loại Khá (02 mô hình)", [4, 5])],
        ),
        ("II. MÔ HÌNH CÁ NHÂN (01 mô hình)", [("1. Xếp loại Tốt (01 mô hình)", [6])]),
    ]
    first = sections[0]["groups"][0]["rows"][0]
    assert first == {
        "stt": 1,
        "name": "Bếp ăn",
        "unit": "Hội Phụ nữ phường Lái Hiếu",
        "field": "Kinh tế",
        "rating": "Tốt",
        "note": "",
    }


def test_list_sections_skip_empty_types_and_ratings(config):
    sections = build.list_sections(config, [model("1", "A", kind="Cá nhân", rating="Khá")])
    assert [(s["heading"], [g["heading"] for g in s["groups"]]) for s in sections] == [
        ("I. MÔ HÌNH CÁ NHÂN (01 mô hình)", ["1. Xếp loại Khá (01 mô hình)"])
    ]


def test_level_line_in_the_seed_article_wording(config):
    city = config.levels[0]
    models = [model(str(i), f"M{i}") for i in range(45)] + [model("p", "P", kind="Cá nhân", rating="Khá")]
    models = [dataclasses.replace(m, rating="Khá") if i < 5 else m for i, m in enumerate(models)]
    assert build.level_line(config, city, models) == (
        "- Cấp thành phố: công nhận 46 mô hình (gồm 45 mô hình tập thể và 01 mô hình cá nhân), "
        "trong đó xếp loại tốt là 40 mô hình và xếp loại khá 06 mô hình."
    )
    assert build.level_line(config, city, [model("1", "A")]) == (
        "- Cấp thành phố: công nhận 01 mô hình tập thể, trong đó xếp loại tốt là 01 mô hình."
    )
    assert build.level_line(config, config.levels[1], [model("1", "A")]) == ""


@pytest.mark.parametrize(
    "n, numeral",
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI"), (8, "VIII"), (9, "IX"), (10, "X"),
     (14, "XIV"), (19, "XIX"), (24, "XXIV"), (39, "XXXIX")],
)  # fmt: skip
def test_roman_numerals(n, numeral):
    assert build.roman(n) == numeral
