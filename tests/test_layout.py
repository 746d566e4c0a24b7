"""The folders keep their promises: evaluation corpora never read the recognizer, tests and benchmarks
never import each other, and test modules share helpers instead of importing one another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level
    }
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("path", sorted((ROOT / "corpora").glob("*.py")), ids=lambda path: path.name)
def test_a_corpus_generator_imports_nothing_of_the_recognizer(path):
    # A corpus that borrowed the recognizer's labels or rules would measure the recognizer against itself.
    assert not top_level(imported_modules(path)) & {"pipeline", "tools", "tests", "benchmarks"}


def test_tests_and_benchmarks_do_not_import_each_other():
    for path in sorted((ROOT / "tests").glob("*.py")):
        assert "benchmarks" not in top_level(imported_modules(path)), path.name
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        assert "tests" not in top_level(imported_modules(path)), path.name


def test_test_modules_import_helpers_not_other_test_modules():
    for path in sorted((ROOT / "tests").glob("*.py")):
        borrowed = [name for name in imported_modules(path) if name.startswith("tests.test_")]
        assert not borrowed, (path.name, borrowed)
