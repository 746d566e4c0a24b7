"""Behaviour unchanged: the samples' `dvk check --json` and `dvk build` outputs, before and after a change.

Run: python -m benchmarks.same_outputs [REV]   (REV: the code to compare with, `main` by default)

REV is checked out into a temporary git worktree; each side then runs, as a child process importing its own
code, on its own copy of the sample workspace (dvk.toml default, inputs/, templates_docx/, the committed
outputs/): `dvk check --json`, `dvk build --json` (drafts), then `dvk build --number 7 --date 23/12/2020
--json`, `dvk register --json`. What is compared: each command's stdout and exit code, and every file
under outputs/ afterwards.
Word and Excel files are compared part by part, with the parts' zip timestamps and the document's own
creation/modification times left out; JSON output by what it says (not its layout); in JSON and text, the
workspace's path is replaced by a placeholder.
Exit code 0 when everything is identical; otherwise the differing items are listed and the code is 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMANDS = [
    ["check", "--json"],
    ["build", "--json"],
    ["build", "--number", "7", "--date", "23/12/2020", "--json"],
    ["register", "--json"],
]
# docProps/core.xml carries the writer's clock; nothing else in a part should depend on when it ran.
TIMESTAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
WORKSPACE_PARTS = ("inputs", "templates_docx", "outputs")


def copy_workspace(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for part in WORKSPACE_PARTS:
        shutil.copytree(source / part, target / part)


def run_side(code: Path, samples: Path, scratch: Path) -> dict[str, str]:
    """Run the commands with `code` on a fresh copy of `samples`; return a digest per compared item."""
    workspace = scratch / "workspace"
    copy_workspace(samples, workspace)
    env = {**os.environ, "PYTHONPATH": str(code), "PYTHONHASHSEED": "0"}
    env.pop("DVK_WINDOWS_CONSTRAINTS", None)
    seen: dict[str, str] = {}
    for number, args in enumerate(COMMANDS, 1):
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", *args, "-w", str(workspace)],
            capture_output=True,
            env=env,
            cwd=scratch,
        )
        label = f"{number}: dvk {' '.join(args)}"
        seen[f"{label} (exit code)"] = str(done.returncode)
        seen[f"{label} (stdout)"] = digest(canonical(placeholder(done.stdout, workspace)))
    for path in sorted((workspace / "outputs").rglob("*")):
        if path.is_file():
            name = path.relative_to(workspace).as_posix()
            seen.update(file_digests(name, path, workspace))
    return seen


def canonical(data: bytes) -> bytes:
    """JSON compared by what it says, not how it is laid out (one item a line, or indented)."""
    try:
        return json.dumps(json.loads(data), ensure_ascii=False, sort_keys=True).encode()
    except ValueError:
        return data


def placeholder(data: bytes, workspace: Path) -> bytes:
    for form in {str(workspace), workspace.as_posix(), str(workspace).replace("\\", "\\\\")}:
        data = data.replace(form.encode(), b"<workspace>")
    return data


def file_digests(name: str, path: Path, workspace: Path) -> dict[str, str]:
    data = path.read_bytes()
    if path.suffix.lower() in {".docx", ".xlsx"} and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {
                f"{name}!{info.filename}": digest(TIMESTAMPS.sub(b"", archive.read(info)))
                for info in archive.infolist()
            }
    return {name: digest(placeholder(data, workspace))}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def checkout(rev: str, into: Path) -> None:
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(into), rev], check=True)


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = []
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            lines.append(f"differs: {key} ({before.get(key, 'absent')} → {after.get(key, 'absent')})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", default="main", help="the code to compare with (default: main)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dvk-same-") as scratch_name:
        scratch = Path(scratch_name)
        old_code = scratch / "old-code"
        checkout(args.rev, old_code)
        try:
            before = run_side(old_code, REPO, scratch / "before")
            after = run_side(REPO, REPO, scratch / "after")
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(old_code)], check=False
            )
    differences = compare(before, after)
    print("\n".join(differences) or f"identical: {len(after)} items (commands' output and exit codes, files)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
