"""The register's records: finding issued documents each way, their order, replaced files, final copies,
numbers a build may print, what a draft's context may hold, and a damaged register file."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.archive.register import (
    MIGRATIONS,
    Draft,
    apply_migrations,
    find_issued,
    insert_issued,
    list_issued,
    list_superseded,
    numbering_scope,
    open_register,
    record_drafts,
    register_path,
    replace_file,
    require_free_numbers,
    same_issuer,
    set_final_copies,
    write_transaction,
)
from pipeline.config import Workspace, init_workspace, load_workspace
from pipeline.model import DvkError
from tests.helpers import built, issued

TERM = "term:2020-10-01"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return load_workspace(init_workspace(tmp_path / "ws"))


@pytest.fixture
def conn(workspace):
    connection = open_register(workspace)
    yield connection
    connection.close()


def test_an_issued_document_is_found_by_code_hash_or_number(workspace, conn):
    code = "DVK-2020-QD-0000000A"
    record_drafts(workspace, [built(workspace, "decision", code)])
    with write_transaction(conn):
        stored = insert_issued(conn, workspace.config, issued(7, "QĐ/TU", TERM, date(2020, 12, 3), code))
        insert_issued(conn, workspace.config, issued(8, "QĐ/TU", TERM, date(2020, 12, 4)))
    assert stored.id is not None
    assert find_issued(conn, code=code) == stored
    assert find_issued(conn, sha256=f"{7:064x}") == stored
    assert find_issued(conn, number=(7, "QĐ/TU", TERM)) == stored
    assert find_issued(conn, number=(7, "QĐ/TU", "term:2025-10-01")) is None
    assert find_issued(conn, code="DVK-2020-QD-0000000B") is None
    with pytest.raises(ValueError, match="needs code, sha256 or number"):
        find_issued(conn)
    again = find_issued(conn, number=(8, "QĐ/TU", TERM))
    assert (again.recipients, again.notes, again.final_copies, again.date) == (
        ("Ban Dân vận Tỉnh ủy",),
        (),
        (),
        date(2020, 12, 4),
    )


def test_issued_documents_are_listed_by_date_symbol_and_number(workspace, conn):
    with write_transaction(conn):
        for number, symbol, day in ((3, "QĐ/TU", 5), (1, "QĐ/TU", 5), (2, "BC/TU", 5), (9, "QĐ/TU", 1)):
            insert_issued(conn, workspace.config, issued(number, symbol, TERM, date(2020, 12, day)))
    assert [(i.number, i.symbol) for i in list_issued(conn)] == [
        (9, "QĐ/TU"),
        (2, "BC/TU"),
        (1, "QĐ/TU"),
        (3, "QĐ/TU"),
    ]


def test_a_replaced_file_is_kept_as_superseded(workspace, conn):
    with write_transaction(conn):
        old = insert_issued(conn, workspace.config, issued(5, "QĐ/TU", TERM, date(2020, 12, 3)))
        newer = dataclasses.replace(
            old,
            sha256="f" * 64,
            file_name="qd-5-ky-lai.pdf",
            signature="trusted",
            signer="Trần B",
            notes=("ký lại",),
        )
        replaced = replace_file(conn, old, newer, "ký lại bản đúng", "outputs/archive/cu/qd-5.pdf", "head-1")
    assert replaced.id == old.id
    now = find_issued(conn, number=(5, "QĐ/TU", TERM))
    assert (now.sha256, now.file_name, now.signature, now.signer, now.notes) == (
        "f" * 64,
        "qd-5-ky-lai.pdf",
        "trusted",
        "Trần B",
        ("ký lại",),
    )
    [gone] = list_superseded(conn)
    assert {
        key: gone[key] for key in ("sha256", "file_name", "archive_path", "reason", "events_head", "number")
    } == {
        "sha256": old.sha256,
        "file_name": "qd-5.pdf",
        "archive_path": "outputs/archive/cu/qd-5.pdf",
        "reason": "ký lại bản đúng",
        "events_head": "head-1",
        "number": 5,
    }


def test_final_copies_are_stored(workspace, conn):
    with write_transaction(conn):
        stored = insert_issued(conn, workspace.config, issued(6, "QĐ/TU", TERM, date(2020, 12, 3)))
    set_final_copies(conn, stored.id, [{"path": "ban-sao.pdf", "sha256": "ab"}])
    assert find_issued(conn, code=None, number=(6, "QĐ/TU", TERM)).final_copies == (
        {"path": "ban-sao.pdf", "sha256": "ab"},
    )


def test_a_build_may_not_print_a_number_already_issued(workspace, conn):
    with write_transaction(conn):
        insert_issued(conn, workspace.config, issued(12, "QĐ/TU", TERM, date(2020, 12, 3)))
    require_free_numbers(workspace, 10, 2, date(2020, 12, 20))  # 10 and 11 are free
    require_free_numbers(workspace, 13, 5, date(2020, 12, 20))
    with pytest.raises(DvkError) as refused:
        require_free_numbers(workspace, 11, 2, date(2020, 12, 20))
    assert str(refused.value) == (
        "Số 12-QĐ/TU đã được cấp cho văn bản khác trong sổ đăng ký. Số tiếp theo còn trống: 13."
    )


def test_each_commune_numbers_its_own_documents(workspace):
    config = workspace.config
    assert numbering_scope(config, date(2020, 12, 3)) == TERM
    assert (
        numbering_scope(config, date(2020, 12, 3), "Đảng ủy phường Lái Hiếu")
        == f"Đảng ủy phường Lái Hiếu | {TERM}"
    )


def test_draft_contexts_keep_dates_paths_sets_and_dataclasses(workspace, conn):
    @dataclasses.dataclass
    class Signer:
        name: str

    document = built(
        workspace,
        "decision",
        "DVK-2020-QD-0000000A",
        day=date(2020, 12, 1),
        where=Path("outputs") / "2020",
        units={"b", "a"},
        signer=Signer("Nguyễn Văn A"),
    )
    record_drafts(workspace, [document])
    stored = json.loads(conn.execute("SELECT context FROM drafts").fetchone()[0])
    assert stored == {
        "year": 2020,
        "day": "2020-12-01",
        "where": str(Path("outputs") / "2020"),
        "units": ["a", "b"],
        "signer": {"name": "Nguyễn Văn A"},
    }
    with pytest.raises(TypeError, match="cannot store object in the register"):
        record_drafts(workspace, [built(workspace, "decision", "DVK-2020-QD-0000000B", odd=object())])


def test_same_issuer_compares_the_issuing_body():
    def draft(issuer: str | None) -> Draft:
        context = {"issuer_upper": issuer} if issuer else {}
        return Draft("c", "decision", "commune", 2020, "", "", "", "", context, "b", "")

    assert same_issuer(draft("ĐẢNG ỦY PHƯỜNG LÁI HIẾU"), draft("ĐẢNG ỦY PHƯỜNG LÁI HIẾU"))
    assert not same_issuer(draft("ĐẢNG ỦY PHƯỜNG LÁI HIẾU"), draft("ĐẢNG ỦY PHƯỜNG HIỆP LỢI"))
    assert same_issuer(draft(None), draft(None))


def test_migrations_report_what_they_applied(workspace, conn):
    assert apply_migrations(conn) == []  # opening applied them all
    names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert names == sorted(name for name, _ in MIGRATIONS)


def test_a_damaged_register_file_is_named(workspace):
    register_path(workspace).write_bytes(b"this is not a database, it only has a .sqlite3 name" * 100)
    with pytest.raises(DvkError) as refused:
        open_register(workspace)
    assert str(refused.value).startswith(f"Không mở được sổ đăng ký {register_path(workspace)}: ")


# ---------------------------------------------------------------------------- batches, numbers, connection


def test_the_latest_batch_is_the_last_build_in_its_order(workspace, conn):
    from pipeline.archive.register import latest_batch

    assert latest_batch(conn) == []
    record_drafts(workspace, [built(workspace, "decision", "DVK-2020-QD-0000000A")])
    second = [
        built(workspace, "decision", "DVK-2020-QD-0000000C"),
        built(workspace, "list", "DVK-2020-DS-0000000B"),
    ]
    record_drafts(workspace, second)
    assert [draft.code for draft in latest_batch(conn)] == ["DVK-2020-QD-0000000C", "DVK-2020-DS-0000000B"]


def test_issued_numbers_by_draft_code(workspace, conn):
    from pipeline.archive.register import issued_by_code

    record_drafts(workspace, [built(workspace, "decision", "DVK-2020-QD-0000000A")])
    with write_transaction(conn):
        insert_issued(
            conn, workspace.config, issued(7, "QĐ/TU", TERM, date(2020, 12, 3), "DVK-2020-QD-0000000A")
        )
        insert_issued(conn, workspace.config, issued(8, "QĐ/TU", TERM, date(2020, 12, 4)))
    assert issued_by_code(conn, workspace.config) == {"DVK-2020-QD-0000000A": "07-QĐ/TU"}


def test_a_list_carries_the_number_of_its_own_issuers_decision(workspace, conn):
    from pipeline.archive.register import find_draft, numbered_draft

    city = {"issuer_upper": "THÀNH ỦY NGÃ BẢY"}
    commune = {"issuer_upper": "ĐẢNG ỦY PHƯỜNG LÁI HIẾU"}
    record_drafts(
        workspace,
        [
            built(workspace, "decision", "DVK-2020-QD-0000000A", level="commune", **city),
            built(workspace, "decision", "DVK-2020-QD-0000000B", level="commune", **commune),
            built(workspace, "list", "DVK-2020-DS-0000000C", level="commune", **commune),
            built(workspace, "report", "DVK-2020-BC-0000000D", level=None),
            built(workspace, "certificates", "DVK-2020-GCN-0000000E", level="city"),
        ],
    )
    assert numbered_draft(conn, find_draft(conn, "DVK-2020-DS-0000000C")).code == "DVK-2020-QD-0000000B"
    assert numbered_draft(conn, find_draft(conn, "DVK-2020-BC-0000000D")).code == "DVK-2020-BC-0000000D"
    with pytest.raises(DvkError) as refused:
        numbered_draft(conn, find_draft(conn, "DVK-2020-GCN-0000000E"))
    assert str(refused.value) == (
        "Mã DVK-2020-GCN-0000000E là của giấy chứng nhận kèm theo nhưng sổ đăng ký không có quyết định cùng "
        "đợt lập. Hãy lưu trữ tệp quyết định, hoặc ghi rõ mã dự thảo của quyết định."
    )
    assert find_draft(conn, "DVK-2020-QD-FFFFFFFF") is None


def test_the_register_is_opened_durable_and_checked(workspace, conn):
    pragmas = {
        name: conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 30000}
    assert conn.row_factory is __import__("sqlite3").Row


def test_a_new_database_has_every_migration_pending_then_none(tmp_path):
    import sqlite3

    from pipeline.archive.register import pending_migrations

    fresh = sqlite3.connect(tmp_path / "moi.sqlite3", isolation_level=None)
    names = [name for name, _ in MIGRATIONS]
    assert pending_migrations(fresh) == names
    assert apply_migrations(fresh) == names
    assert pending_migrations(fresh) == [] and apply_migrations(fresh) == []
    fresh.close()


def test_a_locked_register_is_waited_for_and_other_errors_named(workspace, monkeypatch):
    import sqlite3

    from pipeline.archive import register

    real = register.prepare_register
    attempts = []

    def locked_once(conn):
        attempts.append(1)
        if len(attempts) == 1:
            raise sqlite3.OperationalError("database is locked")
        real(conn)

    monkeypatch.setattr(register, "prepare_register", locked_once)
    open_register(workspace).close()
    assert len(attempts) == 2

    def broken(conn):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(register, "prepare_register", broken)
    with pytest.raises(DvkError) as refused:
        open_register(workspace)
    assert str(refused.value) == f"Không mở được sổ đăng ký {register_path(workspace)}: disk I/O error"


def test_a_large_file_is_hashed_whole(tmp_path):
    import hashlib

    from pipeline.archive.register import file_sha256

    data = bytes(range(256)) * (3 * 4096 + 7)  # over 3 MiB: several chunks
    (tmp_path / "qd.pdf").write_bytes(data)
    assert file_sha256(tmp_path / "qd.pdf") == hashlib.sha256(data).hexdigest()


def test_vietnamese_is_stored_as_written(workspace, conn):
    with write_transaction(conn):
        insert_issued(conn, workspace.config, issued(9, "QĐ/TU", TERM, date(2020, 12, 3)))
    raw = conn.execute("SELECT recipients FROM issued").fetchone()[0]
    assert raw == '["Ban Dân vận Tỉnh ủy"]'


# ---------------------------------------------------------------------------- edges and messages


def test_the_first_day_of_the_term_is_in_the_term_and_the_day_before_is_refused(workspace):
    from pipeline.archive.register import numbering_scope

    config = workspace.config
    assert numbering_scope(config, config.term_start) == TERM
    with pytest.raises(DvkError) as refused:
        numbering_scope(config, date(2020, 9, 30))
    assert str(refused.value) == (
        "Ngày văn bản 30/09/2020 trước ngày đầu nhiệm kỳ 01/10/2020 (issuer.term_start trong dvk.toml). "
        "Kiểm tra lại ngày văn bản hoặc cấu hình nhiệm kỳ."
    )


def test_messages_of_misuse(workspace, conn):
    from pipeline.archive.register import document_symbol

    with pytest.raises(DvkError) as refused:
        document_symbol(workspace.config, "list")
    assert str(refused.value) == "Loại văn bản 'list' không được cấp số riêng (đi kèm quyết định)."
    with pytest.raises(ValueError) as wrong:
        find_issued(conn)
    assert str(wrong.value) == "find_issued needs code, sha256 or number"


def test_a_replacement_keeps_the_documents_row(workspace, conn):
    with write_transaction(conn):
        old = insert_issued(conn, workspace.config, issued(5, "QĐ/TU", TERM, date(2020, 12, 3)))
        newer = dataclasses.replace(old, sha256="e" * 64, id=None)
        assert replace_file(conn, old, newer, "ký lại", "cu/qd.pdf", None).id == old.id


def test_draft_contexts_keep_vietnamese_as_written(workspace, conn):
    record_drafts(workspace, [built(workspace, "decision", "DVK-2020-QD-0000000A", signer="Nguyễn Văn A")])
    assert "Nguyễn Văn A" in conn.execute("SELECT context FROM drafts").fetchone()[0]


def test_a_register_with_some_migrations_gets_the_rest(tmp_path):
    import sqlite3

    first, *rest = MIGRATIONS
    db = sqlite3.connect(tmp_path / "cu.sqlite3", isolation_level=None)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    for statement in first[1]:
        db.execute(statement)
    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (first[0], "2020-10-01T00:00:00+07:00"))
    assert apply_migrations(db) == [name for name, _ in rest]
    db.close()


def test_a_register_path_that_is_a_folder_is_named(workspace):
    register_path(workspace).mkdir()
    with pytest.raises(DvkError) as refused:
        open_register(workspace)
    assert str(refused.value).startswith(f"Không mở được sổ đăng ký {register_path(workspace)}: ")


def test_a_busy_register_is_waited_for_too(workspace, monkeypatch):
    import sqlite3

    from pipeline.archive import register

    real = register.prepare_register
    attempts = []

    def busy_once(conn):
        attempts.append(1)
        if len(attempts) == 1:
            raise sqlite3.OperationalError("database is busy")
        real(conn)

    monkeypatch.setattr(register, "prepare_register", busy_once)
    open_register(workspace).close()
    assert len(attempts) == 2
