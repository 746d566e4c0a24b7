"""The shipped samples (inputs/, made by tools/make_samples.py) extract exactly the values they were
written with, whatever their layout, and a LibreOffice-saved form still extracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.extract import LONG_FIELDS, capped, extract_fields, match_term
from pipeline.model import FieldValue
from pipeline.reader import read_document
from tools.make_samples import manifest

ROOT = Path(__file__).parent.parent
CONFIG = load_config(DEFAULT_CONFIG)
CORRECT = [
    sample for sample in manifest() if sample["expect"].startswith(("ok", "warning", "corrected"))
]
VOCABULARY = {
    "level": CONFIG.levels,
    "model_type": CONFIG.types,
    "field": CONFIG.fields,
    "proposed_rating": CONFIG.ratings,
}


def expected(values: dict[str, str]) -> dict[str, str]:
    """The written values as the pipeline reports them: free spellings mapped to the vocabulary, long
    narrative fields cut to their opening."""
    reported = {}
    for key, value in values.items():
        if key in VOCABULARY:
            value = match_term(value, VOCABULARY[key]).label
        elif key in LONG_FIELDS:
            value = capped(FieldValue(value, "")).value
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
