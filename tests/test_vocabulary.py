"""Free spellings to vocabulary terms, against expectations that do not come from the matcher: every
synonym the shipped dvk.toml lists (read here as plain TOML) must mean its own term, and free text is
checked against labels written out by hand, the longest spelling it contains winning."""

from __future__ import annotations

import tomllib

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.extract import match_term

CONFIG = load_config(DEFAULT_CONFIG)
SHIPPED = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
GROUPS = {"levels": CONFIG.levels, "types": CONFIG.types, "fields": CONFIG.fields, "ratings": CONFIG.ratings}
SPELLINGS = [
    (group, spelling, entry["label"])
    for group in GROUPS
    for entry in SHIPPED[group]
    for spelling in (entry["label"], *entry.get("synonyms", ()))
]


@pytest.mark.parametrize("group, spelling, label", SPELLINGS, ids=[s for _, s, _ in SPELLINGS])
def test_every_shipped_spelling_means_its_own_term(group, spelling, label):
    term = match_term(spelling, GROUPS[group])
    assert term is not None and term.label == label
    assert match_term(spelling.upper(), GROUPS[group]).label == label  # as typed in capitals


@pytest.mark.parametrize(
    "group, text, label",
    [
        ("fields", "Xây dựng hệ thống chính trị, phát triển kinh tế", "Xây dựng hệ thống chính trị"),
        ("fields", "mô hình thuộc lĩnh vực văn hóa, xã hội", "Văn hóa - xã hội"),
        ("fields", "Kinh tế - văn hóa - xã hội", "Văn hóa - xã hội"),
        ("fields", "an ninh - quốc phòng", "Quốc phòng - an ninh"),
        ("fields", "Lĩnh vực: KINH TẾ.", "Kinh tế"),
        ("fields", "Thể thao", None),
        ("fields", "kinh tếxã hội", None),  # whole words only
        ("fields", "", None),
        ("ratings", "xếp loại tốt", "Tốt"),
        ("ratings", "KHÁ", "Khá"),
        ("ratings", "Đề nghị xếp loại: Khá", "Khá"),
        ("levels", "mô hình cấp thị xã", "Cấp thành phố"),
        ("levels", "cấp phường, xã", "Cấp xã, phường"),
        ("types", "mô hình tập thể", "Tập thể"),
        ("types", "CN", "Cá nhân"),
    ],
)
def test_free_text_means_the_longest_spelling_it_contains(group, text, label):
    term = match_term(text, GROUPS[group])
    assert (term.label if term else None) == label
