"""The check cache never serves stale data, and an unchanged rerun reads and hashes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import types
from pathlib import Path

import pytest

import pipeline.cache
import pipeline.check
import pipeline.discover
from pipeline.cache import RACY_WINDOW_NS, CheckCache, load_cache
from pipeline.check import REPORT_NAME, WORKBOOK_NAME, run_check
from pipeline.config import init_workspace, load_workspace
from tests.docxbuild import proposal_paragraphs, write_docx

PAST = time.time() - 3600  # older than the racy window, as files are between real runs
HOUR_NS = 3600 * 10**9


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    for index in range(3):
        write_docx(
            root / "inputs" / f"đề nghị {index}.docx", *proposal_paragraphs(model_name=f"Mô hình {index}")
        )
    age_all(root)
    return root


def age_all(root: Path) -> None:
    for path in (root / "inputs").rglob("*.docx"):
        os.utime(path, (PAST, PAST))


@pytest.fixture()
def an_hour_later(monkeypatch):
    """The runs happen an hour after the files were written, as between real runs. os.utime can age a
    file's modification time but not its change time (it sets it to now), so the run's clock moves
    instead; tests of racily clean files and clock skew keep the real clock."""
    clock = types.SimpleNamespace(time_ns=lambda: time.time_ns() + HOUR_NS)
    monkeypatch.setattr(pipeline.check, "time", clock)


@pytest.fixture()
def counters(monkeypatch):
    counts = {"hashed": 0, "read": 0}
    real_hash, real_read = pipeline.discover.sha256_file, pipeline.check.analyse_many

    def counting_hash(path):
        counts["hashed"] += 1
        return real_hash(path)

    def counting_read(entries, *args, **kwargs):  # the files handed to the reading workers
        counts["read"] += len(entries)
        return real_read(entries, *args, **kwargs)

    monkeypatch.setattr(pipeline.discover, "sha256_file", counting_hash)
    monkeypatch.setattr(pipeline.check, "analyse_many", counting_read)
    return counts


def run(root: Path, counts: dict) -> dict:
    counts.update(hashed=0, read=0)
    result = run_check(load_workspace(root), jobs=1)
    return {report.path: report for report in result.files}


def test_unchanged_rerun_reads_and_hashes_nothing(workspace, counters, an_hour_later):
    run(workspace, counters)
    assert counters == {"hashed": 3, "read": 3}
    reports = run(workspace, counters)
    assert counters == {"hashed": 0, "read": 0}
    assert reports["đề nghị 1.docx"].fields["model_name"] == "Mô hình 1"


def test_edited_file_is_reread_alone(workspace, counters, an_hour_later):
    run(workspace, counters)
    write_docx(workspace / "inputs" / "đề nghị 1.docx", *proposal_paragraphs(model_name="Mô hình đã sửa"))
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 1}
    assert reports["đề nghị 1.docx"].fields["model_name"] == "Mô hình đã sửa"


def test_renamed_file_is_rehashed_but_not_reread(workspace, counters, an_hour_later):
    run(workspace, counters)
    (workspace / "inputs" / "đề nghị 2.docx").rename(workspace / "inputs" / "tên mới.docx")
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 0}
    assert "đề nghị 2.docx" not in reports
    assert reports["tên mới.docx"].fields["model_name"] == "Mô hình 2"


def test_moved_to_another_folder_is_rehashed_but_not_reread(workspace, counters, an_hour_later):
    run(workspace, counters)
    (workspace / "inputs" / "Phường 1").mkdir()
    (workspace / "inputs" / "đề nghị 2.docx").rename(workspace / "inputs" / "Phường 1" / "đề nghị 2.docx")
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 0}
    assert "đề nghị 2.docx" not in reports
    assert reports["Phường 1/đề nghị 2.docx"].fields["model_name"] == "Mô hình 2"
    assert reports["Phường 1/đề nghị 2.docx"].status == "accepted"


def test_deleted_file_disappears(workspace, counters):
    run(workspace, counters)
    (workspace / "inputs" / "đề nghị 0.docx").unlink()
    reports = run(workspace, counters)
    assert sorted(reports) == ["đề nghị 1.docx", "đề nghị 2.docx"]
    assert counters["read"] == 0


def test_deleted_then_restored_with_other_content_is_read(workspace, counters, an_hour_later):
    """A restore from backup brings the old name, size and modification time with other content."""
    path = workspace / "inputs" / "đề nghị 1.docx"
    backup = same_size_variant(path, workspace / "backup.docx")
    shutil.copystat(path, backup)
    run(workspace, counters)
    path.unlink()
    assert "đề nghị 1.docx" not in run(workspace, counters)
    shutil.copy2(backup, path)
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 1}
    assert reports["đề nghị 1.docx"].fields["model_name"] == VARIANT_NAME


VARIANT_NAME = "Mô hình mới"


def same_size_variant(original: Path, variant: Path) -> Path:
    """A proposal at `variant` of exactly the size of `original` with another model name (its results
    text is padded with hard-to-compress digits until the compressed sizes agree)."""
    size = original.stat().st_size
    digits = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(4))
    for length in range(len(digits)):
        write_docx(variant, *proposal_paragraphs(model_name=VARIANT_NAME, results=f"Mã {digits[:length]}."))
        if variant.stat().st_size == size:
            return variant
    raise AssertionError("no same-size variant found")


def test_same_size_replacement_with_an_older_mtime_is_not_served_stale(workspace, counters, an_hour_later):
    """`cp -p`, unzip, `rsync -t`: another file of the same size moved in, with the old file's older,
    preserved modification time. Size and mtime match the cache; the inode and change time do not."""
    path = workspace / "inputs" / "đề nghị 1.docx"
    run(workspace, counters)
    replacement = same_size_variant(path, workspace / "incoming.docx")
    shutil.copystat(path, replacement)
    os.replace(replacement, path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == stamp_size_mtime(workspace, "đề nghị 1.docx")
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 1}
    assert reports["đề nghị 1.docx"].fields["model_name"] == VARIANT_NAME


def test_same_size_overwrite_in_place_with_an_older_mtime_is_not_served_stale(
    workspace, counters, an_hour_later
):
    """The same, written over the old file (same inode): only the change time tells."""
    path = workspace / "inputs" / "đề nghị 1.docx"
    run(workspace, counters)
    replacement = same_size_variant(path, workspace / "incoming.docx")
    time.sleep(0.05)  # past the kernel's coarse timestamp tick, so the change time moves
    inode = path.stat().st_ino
    path.write_bytes(replacement.read_bytes())
    shutil.copystat(workspace / "inputs" / "đề nghị 0.docx", path)  # the old, preserved mtime
    assert path.stat().st_ino == inode
    assert (path.stat().st_size, path.stat().st_mtime_ns) == stamp_size_mtime(workspace, "đề nghị 1.docx")
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 1}
    assert reports["đề nghị 1.docx"].fields["model_name"] == VARIANT_NAME


def stamp_size_mtime(root: Path, rel: str) -> tuple[int, int]:
    stamp, _ = load_cache(root / ".dvk-cache" / "check.pickle", cache_key_of(root)).stamps[rel]
    return stamp[0], stamp[1]


def cache_key_of(root: Path) -> str:
    return pipeline.cache.cache_key(load_workspace(root).config.raw)


def test_file_stamped_in_the_future_is_never_trusted(workspace, counters, an_hour_later):
    """A file from a machine whose clock is ahead: its times stay "racily clean" until the clock passes
    them, so it is re-hashed on every run and an edit that keeps size and times is still seen."""
    path = workspace / "inputs" / "đề nghị 1.docx"
    future = time.time() + 86400
    os.utime(path, (future, future))
    run(workspace, counters)
    run(workspace, counters)
    assert counters == {"hashed": 1, "read": 0}
    replacement = same_size_variant(path, workspace / "incoming.docx")
    path.write_bytes(replacement.read_bytes())
    os.utime(path, (future, future))
    reports = run(workspace, counters)
    assert reports["đề nghị 1.docx"].fields["model_name"] == VARIANT_NAME


STAMP = (1000, 5 * 10**9, 6 * 10**9, 77, 3)  # size, mtime, ctime, inode, device


@pytest.mark.parametrize(
    "seen, trusted",
    [
        (STAMP, True),
        ((1001, *STAMP[1:]), False),  # size
        ((STAMP[0], STAMP[1] + 1, *STAMP[2:]), False),  # modification time
        ((*STAMP[:2], STAMP[2] + 1, *STAMP[3:]), False),  # change time
        ((*STAMP[:3], 78, STAMP[4]), False),  # inode: another file moved into place
        ((*STAMP[:4], 4), False),  # device: another disk mounted there
    ],
)
def test_known_hash_compares_every_part_of_the_stamp(seen, trusted):
    cache = CheckCache("key", looked_ns=HOUR_NS, stamps={"a.docx": (STAMP, "sha")})
    assert cache.known_hash("a.docx", seen) == ("sha" if trusted else None)
    assert cache.known_hash("b.docx", STAMP) is None


@pytest.mark.parametrize(
    "mtime, ctime, trusted",
    [
        (HOUR_NS - RACY_WINDOW_NS - 1, HOUR_NS - RACY_WINDOW_NS - 1, True),
        (HOUR_NS - RACY_WINDOW_NS, 0, False),  # modified within the racy window
        (0, HOUR_NS - RACY_WINDOW_NS, False),  # changed (e.g. cp -p in place) within the racy window
        (HOUR_NS + 86400 * 10**9, 0, False),  # modification time in the future
        (0, HOUR_NS + 86400 * 10**9, False),  # change time in the future
    ],
)
def test_known_hash_distrusts_racy_and_future_times(mtime, ctime, trusted):
    stamp = (1000, mtime, ctime, 77, 3)
    cache = CheckCache("key", looked_ns=HOUR_NS, stamps={"a.docx": (stamp, "sha")})
    assert cache.known_hash("a.docx", stamp) == ("sha" if trusted else None)


def test_stamp_leaves_out_file_identity_where_it_is_not_stable(tmp_path, monkeypatch):
    path = tmp_path / "a.docx"
    path.write_bytes(b"x" * 10)
    stat = os.stat(path)
    assert pipeline.discover.stamp_of(stat) == (
        10,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
        stat.st_ino,
        stat.st_dev,
    )
    monkeypatch.setattr(pipeline.discover, "STABLE_IDENTITY", False)  # as on Windows
    assert pipeline.discover.stamp_of(stat) == (10, stat.st_mtime_ns, stat.st_ctime_ns, 0, 0)


def test_racily_clean_file_is_rehashed(workspace, counters, an_hour_later):
    run(workspace, counters)
    path = workspace / "inputs" / "đề nghị 0.docx"
    write_docx(path, *proposal_paragraphs(model_name="Mô hình 0"))
    now = time.time_ns() + HOUR_NS  # the runs' clock
    os.utime(path, ns=(now, now))
    run(workspace, counters)
    run(workspace, counters)  # modified within the racy window of the last cache write
    assert counters["hashed"] == 1


def test_configuration_change_invalidates_everything(workspace, counters):
    run(workspace, counters)
    config = (workspace / "dvk.toml").read_text(encoding="utf-8")
    (workspace / "dvk.toml").write_text(config.replace('"VH-XH"', '"VH - XH"'), encoding="utf-8")
    run(workspace, counters)
    assert counters["read"] == 3


def test_tool_upgrade_invalidates_everything(workspace, counters, monkeypatch):
    run(workspace, counters)
    monkeypatch.setattr(pipeline.cache, "__version__", "99.0")
    run(workspace, counters)
    assert counters["read"] == 3


def test_damaged_cache_is_ignored(workspace, counters):
    run(workspace, counters)
    (workspace / ".dvk-cache" / "check.pickle").write_bytes(b"not a pickle")
    reports = run(workspace, counters)
    assert counters["read"] == 3 and len(reports) == 3


def test_parallel_and_serial_give_the_same_result(workspace):
    for index in range(3, 20):
        write_docx(
            workspace / "inputs" / f"đề nghị {index}.docx",
            *proposal_paragraphs(model_name=f"Mô hình {index}"),
        )
    (workspace / "inputs" / "hỏng.docx").write_bytes(b"PK\x03\x04 truncated")
    parallel = run_check(load_workspace(workspace), write_outputs=False, jobs=2).as_dict()
    (workspace / ".dvk-cache" / "check.pickle").unlink()
    serial = run_check(load_workspace(workspace), write_outputs=False, jobs=1).as_dict()
    assert parallel == serial
    assert parallel["totals"]["accepted"] == 20 and parallel["totals"]["rejected"] == 1


def test_check_after_a_build_time_check_still_refreshes_the_workbook(workspace, counters):
    """`dvk build` checks without writing outputs; the next `dvk check` must still write them."""
    from openpyxl import load_workbook

    run(workspace, counters)
    write_docx(
        workspace / "inputs" / "đề nghị 1.docx", *proposal_paragraphs(model_name="Mô hình 1", results="Mới.")
    )
    run_check(load_workspace(workspace), write_outputs=False, jobs=1)
    run(workspace, counters)
    sheet = load_workbook(workspace / "outputs" / "2020" / "tham-dinh.xlsx")["Thẩm định"]
    status = [cell.value for cell in sheet[1]].index("Tình trạng tệp nguồn")
    statuses = {row[1]: row[status] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses["Mô hình 1"].startswith("Tệp đã thay đổi")


def test_unchanged_rerun_gives_the_same_result_as_the_run_that_read(workspace, counters):
    (workspace / "inputs" / "hỏng.docx").write_bytes(b"PK\x03\x04 truncated")
    (workspace / "inputs" / "ghi chú.txt").write_text("không phải hồ sơ", "utf-8")
    age_all(workspace)
    first = run_check(load_workspace(workspace), jobs=1).as_dict()
    counters.update(read=0)
    again = run_check(load_workspace(workspace), jobs=1).as_dict()
    assert counters["read"] == 0
    assert again == first
    assert {f["status"] for f in first["files"]} == {"accepted", "rejected", "skipped"}


class Planted:
    """Unpickling this would run code: a tampered cache must be ignored instead."""

    def __reduce__(self):
        return (os.system, ("touch planted",))


def test_cache_file_naming_a_class_is_ignored_not_run(workspace, counters, monkeypatch, tmp_path):
    import pickle

    monkeypatch.chdir(tmp_path)
    run(workspace, counters)
    cache_file = workspace / ".dvk-cache" / "check.pickle"
    data = pickle.loads(cache_file.read_bytes())
    data["outputs"] = Planted()
    cache_file.write_bytes(pickle.dumps(data))
    reports = run(workspace, counters)
    assert not (tmp_path / "planted").exists()
    assert counters["read"] == 3 and len(reports) == 3


def test_configuration_change_invalidates_once(workspace, counters, an_hour_later):
    run(workspace, counters)
    config = (workspace / "dvk.toml").read_text(encoding="utf-8")
    (workspace / "dvk.toml").write_text(config.replace('"VH-XH"', '"VH - XH"'), encoding="utf-8")
    run(workspace, counters)
    assert counters["read"] == 3
    run(workspace, counters)  # the cache written under the new configuration serves the next run
    assert counters == {"hashed": 0, "read": 0}


def test_unchanged_rerun_validates_nothing(workspace, counters, an_hour_later, monkeypatch):
    run(workspace, counters)
    calls = []
    real = pipeline.check.validate_all
    monkeypatch.setattr(pipeline.check, "validate_all", lambda *args: calls.append(1) or real(*args))
    reports = run(workspace, counters)
    assert calls == [] and reports["đề nghị 0.docx"].status == "accepted"


def test_cache_key_ignores_key_order_and_reads_any_toml_value():
    import datetime

    from pipeline.cache import cache_key

    assert cache_key({"a": 1, "b": {"c": 2, "d": 3}}) == cache_key({"b": {"d": 3, "c": 2}, "a": 1})
    dated = cache_key({"term_start": datetime.date(2020, 10, 1)})  # a TOML date literal
    assert dated != cache_key({"term_start": datetime.date(2021, 10, 1)})


def test_cache_file_can_be_written_where_no_folder_exists_yet(tmp_path):
    from pipeline.cache import save_cache

    path = tmp_path / "a" / "b" / "check.pickle"
    save_cache(path, CheckCache("key", looked_ns=5))
    assert load_cache(path, "key").looked_ns == 5
    assert [p.name for p in path.parent.iterdir()] == ["check.pickle"]  # no temporary file left


def test_unpickler_names_the_refused_class():
    import io
    import pickle

    from pipeline.cache import PlainUnpickler

    with pytest.raises(pickle.UnpicklingError, match="posix.system|nt.system|os.system"):
        PlainUnpickler(io.BytesIO(pickle.dumps(Planted()))).load()


def test_unchanged_rerun_keeps_every_finding_and_touches_no_output(workspace, counters, an_hour_later):
    write_docx(
        workspace / "inputs" / "đơn vị lạ.docx",
        *proposal_paragraphs(model_name="Mô hình lạ", unit="Hợp tác xã Quyết Thắng"),
    )
    age_all(workspace)
    first = run_check(load_workspace(workspace), jobs=1)
    outputs = [workspace / "outputs" / "2020" / name for name in (WORKBOOK_NAME, REPORT_NAME)]
    outputs.append(workspace / ".dvk-cache" / "check.pickle")  # nothing to remember either
    before = {path: (path.stat().st_mtime_ns, path.stat().st_ino) for path in outputs}
    again = run_check(load_workspace(workspace), jobs=1)
    assert again.as_dict() == first.as_dict()
    warned = next(report for report in again.files if report.path == "đơn vị lạ.docx")
    assert [problem.code for problem in warned.problems] == ["UNKNOWN_UNIT"]
    assert {path: (path.stat().st_mtime_ns, path.stat().st_ino) for path in outputs} == before
    files = (workspace / "inputs").glob("*.docx")
    digests = {hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    assert {record.sha256 for record in again.records} == digests


def test_cache_file_is_written_beside_itself_then_moved_into_place(tmp_path, monkeypatch):
    from pipeline.cache import save_cache

    moves = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b, **kw: moves.append((a, b)) or real_replace(a, b, **kw))
    path = tmp_path / "check.pickle"
    save_cache(path, CheckCache("key"))
    [(temporary, target)] = moves
    assert Path(temporary).parent == path.parent and Path(target) == path


def test_a_failed_cache_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    from pipeline.cache import save_cache

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.cache.pickle, "dump", full_disk)
    assert save_cache(tmp_path / "check.pickle", CheckCache("key")) is False  # the check goes on (issue 12.5)
    assert list(tmp_path.iterdir()) == []


def test_a_rename_leaves_an_unchanged_problem_report_alone(workspace, counters, an_hour_later):
    (workspace / "inputs" / "ghi chú.txt").write_text("không phải hồ sơ", "utf-8")  # one row in the report
    run(workspace, counters)
    report = workspace / "outputs" / "2020" / REPORT_NAME
    before = (report.stat().st_mtime_ns, report.stat().st_ino)
    (workspace / "inputs" / "đề nghị 2.docx").rename(workspace / "inputs" / "đề nghị hai.docx")
    run(workspace, counters)
    assert (report.stat().st_mtime_ns, report.stat().st_ino) == before
