"""The register: migrations, numbering rules of both profiles, uniqueness, drafts and their batches."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.archive.register import (
    MIGRATIONS,
    apply_migrations,
    attached_drafts,
    document_symbol,
    find_draft,
    find_issued,
    format_number,
    insert_issued,
    next_number,
    numbered_draft,
    numbering_scope,
    open_register,
    printed_number,
    record_drafts,
    register_path,
    unissued_drafts,
    write_transaction,
)
from pipeline.config import Workspace, init_workspace, load_workspace
from pipeline.model import DvkError
from tests.helpers import SUBJECT, built, issued


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return load_workspace(init_workspace(tmp_path / "ws"))


def state_workspace(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ubnd")
    config = (root / "dvk.toml").read_text(encoding="utf-8")
    config = config.replace('profile = "party"', 'profile = "state"').replace(
        'symbol = "TU"', 'symbol = "UBND"'
    )
    (root / "dvk.toml").write_text(config, encoding="utf-8")
    return load_workspace(root)


def test_migrations_are_applied_once_and_wal_is_on(workspace: Workspace) -> None:
    conn = open_register(workspace)
    names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations")]
    assert names == [name for name, _ in MIGRATIONS]
    assert apply_migrations(conn) == []
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert register_path(workspace).name == "dvk-register.sqlite3"


def test_party_numbers_print_without_colon_and_run_through_the_term(workspace: Workspace) -> None:
    config = workspace.config
    symbol = document_symbol(config, "decision")
    assert symbol == "QĐ/TU"
    assert printed_number(config, 123, symbol) == "Số 123-QĐ/TU"
    assert printed_number(config, 7, symbol) == "Số 07-QĐ/TU"  # numbers start from 01, as the build prints
    assert document_symbol(config, "report") == "BC/TU"
    # HD 36 §1.3.1: one scope for the whole term, so 2021 continues the 2020 numbers.
    assert numbering_scope(config, date(2020, 12, 23)) == numbering_scope(config, date(2021, 3, 1))
    conn = open_register(workspace)
    with write_transaction(conn):
        insert_issued(
            conn, config, issued(1, symbol, numbering_scope(config, date(2020, 12, 23)), date(2020, 12, 23))
        )
    assert next_number(conn, symbol, numbering_scope(config, date(2021, 3, 1))) == 2
    conn.close()


def test_party_date_before_the_term_is_refused(workspace: Workspace) -> None:
    with pytest.raises(DvkError, match="trước ngày đầu nhiệm kỳ 01/10/2020"):
        numbering_scope(workspace.config, date(2020, 9, 30))


def test_state_numbers_pad_below_ten_and_restart_each_year(tmp_path: Path) -> None:
    workspace = state_workspace(tmp_path)
    config = workspace.config
    symbol = document_symbol(config, "decision")
    assert symbol == "QĐ-UBND"
    assert printed_number(config, 5, symbol) == "Số: 05/QĐ-UBND"
    assert format_number(config, 12, symbol) == "12/QĐ-UBND"
    conn = open_register(workspace)
    scope_2020 = numbering_scope(config, date(2020, 12, 23))
    with write_transaction(conn):
        insert_issued(conn, config, issued(5, symbol, scope_2020, date(2020, 12, 23)))
    # NĐ 30 Điều 15: numbering starts from 01 on 1 January.
    assert next_number(conn, symbol, scope_2020) == 6
    assert next_number(conn, symbol, numbering_scope(config, date(2021, 1, 4))) == 1
    conn.close()


def test_a_used_number_and_symbol_is_refused_in_vietnamese(workspace: Workspace) -> None:
    config = workspace.config
    scope = numbering_scope(config, date(2020, 12, 23))
    conn = open_register(workspace)
    with write_transaction(conn):
        insert_issued(conn, config, issued(7, "QĐ/TU", scope, date(2020, 12, 23)))
    with pytest.raises(DvkError) as caught, write_transaction(conn):
        insert_issued(
            conn, config, dataclasses.replace(issued(7, "QĐ/TU", scope, date(2020, 12, 24)), sha256="f" * 64)
        )
    assert str(caught.value) == (
        f"Số 07-QĐ/TU đã được cấp cho văn bản ngày 23/12/2020 ({SUBJECT}). "
        "Mỗi số và ký hiệu chỉ dùng một lần; số tiếp theo còn trống là 8."
    )
    # The same number under another symbol (a report) is free.
    with write_transaction(conn):
        insert_issued(
            conn, config, dataclasses.replace(issued(7, "BC/TU", scope, date(2020, 12, 24)), sha256="e" * 64)
        )
    conn.close()


def test_the_unique_constraint_backs_up_the_check(workspace: Workspace) -> None:
    conn = open_register(workspace)
    row = issued(3, "QĐ/TU", "term:2020-10-01", date(2020, 12, 23))
    with write_transaction(conn):
        insert_issued(conn, workspace.config, row)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO issued (number, symbol, scope, date, kind, subject, sha256, file_name, "
            "archive_path, signature, created, updated) VALUES (3, 'QĐ/TU', 'term:2020-10-01', "
            "'2020-12-24', 'decision', 's', 'x', 'f', 'p', 'scan', 'now', 'now')"
        )
    conn.close()


def test_a_failed_transaction_leaves_nothing(workspace: Workspace) -> None:
    conn = open_register(workspace)
    with pytest.raises(RuntimeError), write_transaction(conn):
        insert_issued(conn, workspace.config, issued(1, "QĐ/TU", "term:2020-10-01", date(2020, 12, 23)))
        raise RuntimeError("crash")
    assert find_issued(conn, number=(1, "QĐ/TU", "term:2020-10-01")) is None
    conn.close()


def test_drafts_of_one_build_are_related_by_batch_and_level(workspace: Workspace) -> None:
    decision = built(workspace, "decision", "DVK-2020-QD-0000000A", when=date(2020, 12, 1))
    the_list = built(workspace, "list", "DVK-2020-DS-0000000B")
    commune = built(workspace, "decision", "DVK-2020-QD-0000000C", level="commune")
    assert record_drafts(workspace, [decision, the_list, commune]) == 3
    conn = open_register(workspace)
    stored = find_draft(conn, "DVK-2020-QD-0000000A")
    assert stored.path == "outputs/2020/DVK-2020-QD-0000000A.docx"
    assert stored.context == {"year": 2020, "when": "2020-12-01"}
    assert numbered_draft(conn, find_draft(conn, "DVK-2020-DS-0000000B")).code == "DVK-2020-QD-0000000A"
    assert [draft.code for draft in attached_drafts(conn, stored)] == ["DVK-2020-DS-0000000B"]
    assert {draft.code for draft in unissued_drafts(conn)} == {"DVK-2020-QD-0000000A", "DVK-2020-QD-0000000C"}
    conn.close()


def test_recording_a_draft_again_updates_it(workspace: Workspace) -> None:
    first = built(workspace, "decision", "DVK-2020-QD-0000000A")
    record_drafts(workspace, [first])
    first.path.write_bytes(b"rebuilt")
    record_drafts(workspace, [dataclasses.replace(first, context={"year": 2020, "rebuilt": True})])
    conn = open_register(workspace)
    assert conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 1
    assert find_draft(conn, first.code).context["rebuilt"] is True
    conn.close()


def test_a_malformed_code_is_refused(workspace: Workspace) -> None:
    with pytest.raises(DvkError, match="không đúng dạng"):
        record_drafts(workspace, [built(workspace, "decision", "QD-123")])


def test_many_runs_creating_a_new_register_at_once_all_succeed(tmp_path: Path) -> None:
    """Issue 12, fault 8: switching a new database to WAL and migrating it answered "database is
    locked" to a second run without waiting. Each thread opens its own connection, as a process would."""
    failures: list[str] = []
    for round_number in range(25):
        workspace = SimpleNamespace(root=tmp_path / f"ws{round_number}")
        workspace.root.mkdir()
        start = threading.Barrier(4)

        def open_at_once(workspace=workspace, start=start) -> None:
            start.wait()
            try:
                open_register(workspace).close()
            except DvkError as exc:
                failures.append(str(exc))

        threads = [threading.Thread(target=open_at_once) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    conn = open_register(SimpleNamespace(root=tmp_path / "ws0"))
    names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations")]
    conn.close()
    assert names == [name for name, _ in MIGRATIONS]
