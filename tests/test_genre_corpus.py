"""The genre corpus (issue 18) writes every genre with manifests that say what the documents say."""

from __future__ import annotations

import ast
import json
import random
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from corpora.genres import GENRES, HELD_OUT, LIST_GENRES, REGISTRATION_GENRES, Ctx, generate, load_vocab
from corpora.wordlike import OLD_TONES

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
VOCABULARY = {"level": "levels", "model_type": "types", "field": "fields", "proposed_rating": "ratings"}
FIELD_KEYS = {
    "model_name", "unit", "person_name", "person_position", "level", "model_type", "field", "year", "period",
    "place", "target_group", "content", "forces", "resources", "results", "replicability", "proposed_rating",
    "signer",
}  # fmt: skip


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("genres")
    return {
        part: (root / part, generate(root / part, per_genre=3, part=part, libreoffice_share=0.0))
        for part in ("dev", "blind")
    }


def accepted_text(path: Path) -> str:
    """The document's text with tracked deletions left out, one paragraph per line, in NFC with today's
    tone placement (a share of the files is written decomposed or with the old placement)."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))
    text = unicodedata.normalize("NFC", text)
    for new, old in OLD_TONES.items():  # only at a syllable's end: "hoạt" is today's spelling already
        text = re.sub(f"{old}(?!\\w)", new, text)
    return text


def configured_labels() -> dict[str, set[str]]:
    vocab = load_vocab()
    return {
        "level": {label for label, _ in vocab.levels.values()},
        "model_type": {label for label, _ in vocab.types.values()},
        "field": {label for label, _ in vocab.fields},
        "proposed_rating": {label for label, _ in vocab.ratings},
    }


def test_every_genre_is_written_with_a_manifest_entry_per_file(corpora):
    for part, (outdir, manifest) in corpora.items():
        assert json.loads((outdir / "manifest.json").read_text(encoding="utf-8")) == manifest
        assert manifest["part"] == part
        files = manifest["files"]
        assert sorted({entry["genre"] for entry in files}) == sorted(GENRES)
        assert len(files) == 3 * len(GENRES) and len(GENRES) >= 8
        for entry in files:
            assert (outdir / entry["file"]).is_file()
            kind = "registration" if entry["genre"] in REGISTRATION_GENRES else "proposal"
            assert entry["kind"] == kind and entry["writer"] == "word"
            assert entry["records"]


def test_truth_values_are_configured_labels_and_written_in_the_document(corpora):
    labels, year = configured_labels(), str(load_vocab().year)
    for outdir, manifest in corpora.values():
        for entry in manifest["files"]:
            text = accepted_text(outdir / entry["file"])
            for record in entry["records"]:
                truth = record["truth"]
                assert set(truth) <= FIELD_KEYS and truth["year"] == year
                for key in VOCABULARY:
                    assert key not in truth or truth[key] in labels[key], (entry["file"], key)
                for key in ("model_name", "person_name", "signer", "period"):
                    assert key not in truth or truth[key] in text, (entry["file"], key)
                names = [truth.get("unit", ""), *record["alternatives"].get("unit", [])]
                names += [names[0].split(", ")[0]]  # a cell's own name, its ward in the line above
                folded = text.casefold()
                assert any(name and name.casefold() in folded for name in names), (entry["file"], "unit")
                for line in truth.get("results", "").split("\n"):
                    assert line in text, (entry["file"], line)
                if entry["kind"] == "registration":
                    assert "proposed_rating" not in truth and "results" not in truth


def test_list_tables_give_a_record_per_row_and_other_genres_one(corpora):
    for _, manifest in corpora.values():
        for entry in manifest["files"]:
            rows = [record["row"] for record in entry["records"]]
            names = [record["truth"]["model_name"] for record in entry["records"]]
            assert len(set(names)) == len(names) and not any(re.search(r" \d{3}$", name) for name in names)
            if entry["genre"] in LIST_GENRES:
                assert entry["list_table"] and 1 <= len(rows) <= 15
                assert rows == list(range(rows[0], rows[0] + len(rows))) and rows[0] >= 2
            else:
                assert not entry["list_table"] and rows == [0]


def test_individual_models_carry_a_person_and_a_birth_year_that_is_not_the_campaign_year(corpora):
    year = str(load_vocab().year)
    outdir, manifest = corpora["dev"]
    individual = [e for e in manifest["files"] if e["genre"] == "thanh_tich_ca_nhan"]
    for entry in individual:
        truth = entry["records"][0]["truth"]
        assert truth["model_type"] == load_vocab().types["individual"][0]
        assert truth["person_name"] and truth["person_position"] and truth["unit"]
        assert "signer" in entry["records"][0]["unscored"]
        bio = accepted_text(outdir / entry["file"]).split("II.")[0]  # the person's particulars come first
        assert truth["person_name"] in bio and any(str(y) in bio for y in range(1950, 2000))
        assert truth["year"] == year


def test_a_fact_the_document_does_not_state_is_absent_and_the_file_not_valid(corpora):
    for _, manifest in corpora.values():
        for entry in manifest["files"]:
            for record in entry["records"]:
                required = ["model_name", "level", "model_type", "field", "year"]
                required += ["results", "proposed_rating"] if entry["kind"] == "proposal" else []
                stated = all(record["truth"].get(key) for key in required)
                assert record["valid"] == (stated and bool(record["truth"].get("unit")))
            assert entry["valid"] == all(r["valid"] for r in entry["records"])


def test_the_dev_part_never_writes_a_held_out_variant():
    variants = [f"v{i}" for i in range(8)]
    held = {v for i, v in enumerate(variants) if i % HELD_OUT == HELD_OUT - 1}
    dev = Ctx(random.Random(1), "dev", load_vocab())
    blind = Ctx(random.Random(1), "blind", load_vocab())
    assert not {dev.pick(variants) for _ in range(400)} & held
    assert {blind.pick(variants) for _ in range(400)} >= held


def test_corpora_never_import_the_pipeline():
    for path in sorted((ROOT / "corpora").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.split(".")[0] not in ("pipeline", "tools", "benchmarks"), (path.name, name)
    probe = (
        "import sys, corpora.genres; print(sorted(m for m in sys.modules if m.split('.')[0] == 'pipeline'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
