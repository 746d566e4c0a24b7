"""The variation corpus generator's own invariants, and a floor for extraction on a small corpus.

The benchmark (`python -m benchmarks.extraction`) gives the numbers; this only catches regressions fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from corpora import variants

REQUIRED_SPELLINGS = (
    "model_name",
    "unit",
    "person_name",
    "level",
    "model_type",
    "field",
    "year",
    "results",
    "proposed_rating",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("variants")
    variants.generate(outdir, files=30, seed=7, libreoffice_share=0)
    return outdir


def document_text(path: Path) -> str:
    """Every paragraph's text, one per line (NFC: some files are written decomposed)."""
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    paragraphs = root.iter(f"{{{variants.W_NS}}}p")
    texts = ("".join(p.itertext()) for p in paragraphs)
    return unicodedata.normalize("NFC", "\n".join(texts))


def test_label_table_has_ten_spellings_per_required_field():
    for key in REQUIRED_SPELLINGS:
        assert len(set(variants.LABELS[key])) >= 10, key


def test_manifest_lists_every_file_with_its_truth_written_in_it(corpus):
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    names = {entry["file"] for entry in manifest["files"]}
    assert names == {path.name for path in corpus.glob("*.docx")}
    assert {entry["layout"] for entry in manifest["files"]} == {"table", "paragraphs", "form"}
    assert {entry["kind"] for entry in manifest["files"]} == {"proposal", "registration"}
    for entry in manifest["files"]:
        text = " ".join(document_text(corpus / entry["file"]).split())
        truth = entry["truth"]
        for key in ("model_name", "unit", "person_name", "signer"):
            if key in truth:
                assert truth[key] in text, (entry["file"], key)
        for key, written in entry["written"].items():
            assert written in text, (entry["file"], key)
        assert truth["year"] == "2020" and "2020" in text


def test_generation_is_reproducible(tmp_path):
    first = variants.generate(tmp_path / "a", files=6, seed=11, libreoffice_share=0)
    second = variants.generate(tmp_path / "b", files=6, seed=11, libreoffice_share=0)
    assert first == second
    for entry in first["files"]:
        assert (tmp_path / "a" / entry["file"]).read_bytes() == (tmp_path / "b" / entry["file"]).read_bytes()


def test_extraction_floor_on_the_small_corpus(corpus, tmp_path):
    # The benchmark scores the corpus; run as a command (tests never import benchmarks).
    out = tmp_path / "extraction.json"
    command = [sys.executable, "-m", "benchmarks.extraction", "--corpus", str(corpus), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, cwd=Path(__file__).resolve().parent.parent)
    report = json.loads(out.read_text(encoding="utf-8"))["summary"]
    assert report["accepted_share"] >= FLOOR_ACCEPTED
    for key, floor in FLOOR_PRECISION.items():
        assert report["fields"][key]["precision"] >= floor, key


# Regression floors, just under what the recognizer reaches on this 30-file corpus (93% accepted without
# correction, precision 100% on model name and unit). The targets are the benchmark's (98% accepted on the
# full corpora); a wrong name or unit is a defect, so their precision floor is the target itself.
FLOOR_ACCEPTED = 0.90
FLOOR_PRECISION = {"model_name": 1.0, "unit": 1.0}
