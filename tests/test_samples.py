"""The shipped samples (inputs/, made by tools/make_samples.py) extract exactly the values they were
written with, whatever their layout, and a LibreOffice-saved form still extracts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.extract import extract_fields
from pipeline.reader import read_document
from tools.make_samples import manifest

ROOT = Path(__file__).parent.parent
CONFIG = load_config(DEFAULT_CONFIG)
CORRECT = [sample for sample in manifest() if sample["expect"].startswith(("ok", "warning", "corrected"))]
# What each spelling the samples use must be reported as, written out here (not computed with the
# matcher under test): a sample written with a new spelling needs its expected label added.
REPORTED_AS = {
    "level": {
        "Cấp thành phố": "Cấp thành phố",
        "cấp TP": "Cấp thành phố",
        "thành phố": "Cấp thành phố",
        "Cấp xã, phường": "Cấp xã, phường",
        "cấp xã": "Cấp xã, phường",
        "cấp phường": "Cấp xã, phường",
    },
    "model_type": {"Tập thể": "Tập thể", "Cá nhân": "Cá nhân", "mô hình cá nhân": "Cá nhân"},
    "field": {
        "Kinh tế": "Kinh tế",
        "phát triển kinh tế": "Kinh tế",
        "Văn hóa - xã hội": "Văn hóa - xã hội",
        "VH-XH": "Văn hóa - xã hội",
        "văn hoá – xã hội": "Văn hóa - xã hội",
        "Quốc phòng - an ninh": "Quốc phòng - an ninh",
        "ANQP": "Quốc phòng - an ninh",
        "Xây dựng hệ thống chính trị": "Xây dựng hệ thống chính trị",
    },
    "proposed_rating": {"Tốt": "Tốt", "Khá": "Khá", "loại Khá": "Khá"},
}
# Narrative fields are reported by their opening, without the points' marks: at most 300 characters, cut
# with "…" (README).
NARRATIVE = {"content", "results", "forces", "resources", "replicability", "place", "target_group"}
OPENING_CHARS = 300


def expected(values: dict[str, str]) -> dict[str, str]:
    """The written values as the pipeline must report them: spellings mapped to their vocabulary label
    by the table above, long narrative fields cut to their opening."""
    reported = {}
    for key, value in values.items():
        if key in REPORTED_AS:
            value = REPORTED_AS[key][value]
        elif key in NARRATIVE:
            value = re.sub(r"(?m)^[ \t]*[-+•*–—][ \t]+", "", value)  # points' marks are layout, not text
            if len(value) > OPENING_CHARS:
                value = value[: OPENING_CHARS - 1].rstrip() + "…"
        reported[key] = value
    return reported


@pytest.mark.parametrize("sample", CORRECT, ids=[s["path"] for s in CORRECT])
def test_sample_extracts_exactly(sample):
    fields = extract_fields(read_document(ROOT / "inputs" / sample["path"]), CONFIG)
    got = {key: fields[key].value if key in fields else None for key in sample["values"]}
    assert got == expected(sample["values"])


def test_form_filled_and_saved_by_libreoffice_extracts(tmp_path):
    fields = extract_fields(
        read_document(ROOT / "tests" / "fixtures" / "lo-phieu-dang-ky-mau-form.docx"), CONFIG
    )
    assert fields["model_name"].value
    assert fields["level"].value in {term.label for term in CONFIG.levels}
