"""The blind corpus generator writes what its manifest says: every ground-truth value is in its document."""

from __future__ import annotations

import json
import zipfile
from collections import Counter

import pytest
from lxml import etree

from corpora.blind_corpus import COMPOUNDS, FIELD_WRITINGS, LABELS, LAYOUTS, generate, load_vocab

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REQUIRED = ("model_name", "unit", "person_name", "level", "model_type", "field", "results", "proposed_rating")
VOCABULARY = {"level": "levels", "model_type": "types", "field": "fields", "proposed_rating": "ratings"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("blind")
    manifest = generate(outdir, files=15, seed=11, libreoffice_share=0.0)
    return outdir, manifest


def document_text(path) -> str:
    """All paragraph texts (content controls and table cells included), one per line."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def spellings(vocab, key: str) -> dict[str, set[str]]:
    """Configured label -> the writings the generator may use for it, casefolded."""
    terms = getattr(vocab, VOCABULARY[key])
    if key == "level":
        pairs = [(t["label"][0], t["spellings"]) for t in terms.values()]
    elif key == "model_type":
        pairs = list(terms.values())
    else:
        pairs = terms
    return {
        label: {s.casefold() for s in (*written, *FIELD_WRITINGS.get(label, []))} for label, written in pairs
    }


def test_every_truth_value_is_written_in_its_document(corpus):
    outdir, manifest = corpus
    assert len(manifest["files"]) == 15
    assert json.loads((outdir / "manifest.json").read_text(encoding="utf-8")) == manifest
    for entry in manifest["files"]:
        text = document_text(outdir / entry["file"])
        for key, truth in entry["truth"].items():
            written = entry["written"].get(key, truth)
            for part in truth.split("\n") if key not in VOCABULARY else [written]:
                assert part in text, (entry["file"], key, part)
            if key in entry["labels"]:
                assert entry["labels"][key].casefold() in text.casefold(), (entry["file"], key)
        assert not set(entry["unscored"]) & set(entry["truth"])
        assert entry["truth"]["year"] == "2020" and "năm 2020" in text


def test_vocabulary_truth_is_the_configured_label_of_what_is_written(corpus):
    _, manifest = corpus
    vocab = load_vocab()
    for entry in manifest["files"]:
        for key in VOCABULARY:
            if key in entry["truth"]:
                allowed = spellings(vocab, key)[entry["truth"][key]]
                assert entry["written"][key].casefold() in allowed, (entry["file"], key)


def test_model_names_carry_no_quotes_and_kinds_are_mixed(corpus):
    _, manifest = corpus
    for entry in manifest["files"]:
        assert not entry["truth"]["model_name"].startswith(("“", '"'))
    kinds = Counter(entry["kind"] for entry in manifest["files"])
    assert kinds["proposal"] > kinds["registration"] > 0
    assert {entry["layout"] for entry in manifest["files"]} == set(LAYOUTS)
    assert any(entry["individual"] for entry in manifest["files"])


def test_label_table_has_ten_spellings_per_required_field():
    for key in REQUIRED:
        extra = LABELS.get(f"{key}_reg", []) + COMPOUNDS.get(key, ([], ""))[0]
        assert len(set(LABELS[key] + extra)) >= 10, key
