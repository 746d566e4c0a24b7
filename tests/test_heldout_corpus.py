"""The held-out corpus generator: its manifest matches its files, and its label table is wide enough."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from corpora import heldout_corpus as hc

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REQUIRED_SPELLINGS = (
    "model_name",
    "unit",
    "person_name",
    "level",
    "model_type",
    "field",
    "results",
    "proposed_rating",
)


def document_text(path: Path) -> str:
    """Every paragraph's visible text (tracked deletions left out), one paragraph per line."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    lines = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    return "\n".join(lines)


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Case, tone placement and dash style ignored (how a reader compares vocabulary spellings)."""
    text = unicodedata.normalize("NFC", text).casefold()
    for old, new in (("hoá", "hóa"), ("oà", "òa"), ("uỷ", "ủy"), ("–", "-"), (" - ", "-")):
        text = text.replace(old, new)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("heldout")
    manifest = hc.generate(out, files=20, seed=7, libreoffice_share=0.0)
    return out, manifest


def test_manifest_lists_every_file_in_the_benchmark_format(corpus):
    out, manifest = corpus
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert sorted(e["file"] for e in manifest["files"]) == sorted(p.name for p in out.glob("*.docx"))
    for entry in manifest["files"]:
        assert entry["kind"] in ("registration", "proposal")
        assert {"layout", "writer", "truth", "unscored", "labels"} <= entry.keys()
        assert {"model_name", "level", "model_type", "field", "results", "year"} <= entry["truth"].keys()
        assert ("person_name" in entry["truth"]) == entry["individual"]


def test_every_ground_truth_value_is_in_its_document(corpus):
    out, manifest = corpus
    vocab = hc.load_vocabulary()
    for entry in manifest["files"]:
        text = flat(document_text(out / entry["file"]))
        for key, value in entry["truth"].items():
            shown = entry["written"].get(key, value)
            assert flat(shown) in text, (entry["file"], key, shown)
        for key, written in entry["written"].items():  # the spelling typed names the configured label
            label = entry["truth"][key]
            names = [fold(x) for x in (label, *vocab["synonyms"].get(label, []))]
            assert any(name in fold(written) or fold(written) == name for name in names), (
                key,
                written,
                label,
            )


def test_labels_recorded_are_the_ones_written(corpus):
    out, manifest = corpus
    for entry in manifest["files"]:
        text = flat(document_text(out / entry["file"])).casefold()
        for key, label in entry["labels"].items():
            assert flat(label).casefold() in text, (entry["file"], key, label)


def test_model_names_carry_no_surrounding_quotes(corpus):
    _, manifest = corpus
    for entry in manifest["files"]:
        name = entry["truth"]["model_name"]
        assert not name.startswith(("“", '"')), name
        assert not name.endswith(("”", '"')) or "“" in name, name


def test_at_least_ten_spellings_per_required_field():
    for key in REQUIRED_SPELLINGS:
        spellings = {fold(x) for x in hc.LABELS[key]}
        assert len(spellings) >= 10, key
    assert len(set(hc.LABELS["expected_results"])) >= 10


def test_same_seed_same_bytes(tmp_path):
    first = hc.generate(tmp_path / "a", files=3, seed=11, libreoffice_share=0.0)
    second = hc.generate(tmp_path / "b", files=3, seed=11, libreoffice_share=0.0)
    assert first == second
    for entry in first["files"]:
        assert (tmp_path / "a" / entry["file"]).read_bytes() == (tmp_path / "b" / entry["file"]).read_bytes()
