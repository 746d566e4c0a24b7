"""Windows' limits, simulated on Linux for the test suite (DVK_WINDOWS_CONSTRAINTS=1). Test use only.

What Windows lacks is taken away: `os.O_NONBLOCK`, `os.killpg`, `os.getpgid`, `os.setsid`, `os.fork`, FIFOs,
`signal.SIGALRM`/`setitimer`/`alarm`, the `resource` and `fcntl` modules, and every multiprocessing
start method but `spawn`. And what Windows refuses is refused: replacing, renaming or deleting a file
that is open (in this process, or "held" by name to stand for Excel or Word), or opening a held file
for writing, fails with PermissionError as it does there.

`pipeline/__init__.py` applies it when the variable is set, so processes the tests start (spawned
workers, `dvk` run as a program) live under the same limits. Held names are kept in a file named by
DVK_WINDOWS_HELD, which those processes read too.
"""

from __future__ import annotations

import builtins
import errno
import importlib.abc
import io
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
from pathlib import Path

ENV_VAR = "DVK_WINDOWS_CONSTRAINTS"
HELD_VAR = "DVK_WINDOWS_HELD"
REMOVED = {
    os: ("O_NONBLOCK", "killpg", "getpgid", "setsid", "fork", "forkpty", "mkfifo", "mknod"),
    signal: ("SIGALRM", "setitimer", "getitimer", "alarm", "ITIMER_REAL"),
}
BLOCKED_MODULES = ("resource", "fcntl")
_applied = False
_real = {
    "replace": os.replace,
    "rename": os.rename,
    "unlink": os.unlink,
    "remove": os.remove,
    "rmdir": os.rmdir,
    "open": os.open,
    "builtin_open": builtins.open,
    "io_open": io.open,
}


def active() -> bool:
    return os.environ.get(ENV_VAR) == "1"


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - importlib's protocol
        if name in BLOCKED_MODULES:
            raise ModuleNotFoundError(f"No module named {name!r} (Windows constraints)", name=name)
        return None


def apply() -> None:
    """Take away what Windows lacks, in this process. Idempotent."""
    global _applied
    if _applied:
        return
    _applied = True
    import psutil  # noqa: F401 - its POSIX backend needs fcntl and resource; on Windows it has its own

    for module, names in REMOVED.items():
        for name in names:
            if hasattr(module, name):
                delattr(module, name)
    for name in BLOCKED_MODULES:
        sys.modules.pop(name, None)
    sys.meta_path.insert(0, _Blocker())
    _spawn_only()
    install_file_refusals()


def _spawn_only() -> None:
    for method in ("fork", "forkserver"):
        multiprocessing.context._concrete_contexts.pop(method, None)
    multiprocessing.context.DefaultContext.get_all_start_methods = lambda self: ["spawn"]
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
    multiprocessing.set_start_method("spawn", force=True)


# ---------------------------------------------------------------------------- files held open


def held_registry() -> Path | None:
    name = os.environ.get(HELD_VAR)
    return Path(name) if name else None


def hold(path: Path) -> None:
    """Stand for Excel or Word holding `path` open (until `release`)."""
    registry = held_registry()
    assert registry is not None, "install_file_refusals() first"
    with _real["builtin_open"](registry, "a", encoding="utf-8") as out:
        out.write(os.path.realpath(path) + "\n")


def release(path: Path) -> None:
    registry = held_registry()
    if registry and registry.exists():
        target = os.path.realpath(path)
        with _real["builtin_open"](registry, encoding="utf-8") as source:
            kept = [line for line in source.read().splitlines() if line != target]
        with _real["builtin_open"](registry, "w", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in kept))


def _held_by_name() -> set[str]:
    registry = held_registry()
    if registry is None:
        return set()
    try:
        with _real["builtin_open"](registry, encoding="utf-8") as source:
            return set(source.read().splitlines())
    except OSError:
        return set()


def _open_here() -> set[str]:
    """Real paths of the files this process has open (Linux: /proc/self/fd)."""
    paths = set()
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return paths
    for fd in descriptors:
        try:
            paths.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return paths


def _full(path, dir_fd=None) -> str:  # noqa: ANN001 - whatever os functions accept
    path = os.fsdecode(path)
    if dir_fd is not None and not os.path.isabs(path):
        path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
    return os.path.realpath(path)


def _refuse_if_held(*paths: str, including_open_here: bool = True, folders: bool = False) -> None:
    """Refuse as Windows does; with `folders`, a folder holding a held file is refused too (a move)."""
    held = _held_by_name()
    if including_open_here:
        held |= _open_here()
    for path in paths:
        if path in held or (folders and any(name.startswith(path + os.sep) for name in held)):
            raise PermissionError(
                errno.EACCES,
                "The process cannot access the file because it is being used by another process",
                path,
            )


def install_file_refusals() -> None:
    """Patch os and open so that held files behave as on Windows. A registry file is made if needed."""
    if held_registry() is None:
        import tempfile

        handle, name = tempfile.mkstemp(prefix="dvk-held-", suffix=".txt")
        os.close(handle)
        os.environ[HELD_VAR] = name
    os.replace, os.rename = _replacing(_real["replace"]), _replacing(_real["rename"], overwrites=False)
    os.unlink, os.remove, os.rmdir = (
        _removing(_real["unlink"]),
        _removing(_real["remove"]),
        _removing(_real["rmdir"]),
    )
    os.open = _os_open
    builtins.open = io.open = _opening(_real["builtin_open"])


def remove_file_refusals() -> None:
    os.replace, os.rename, os.unlink, os.remove, os.rmdir, os.open = (
        _real[name] for name in ("replace", "rename", "unlink", "remove", "rmdir", "open")
    )
    builtins.open, io.open = _real["builtin_open"], _real["io_open"]


def _replacing(real, overwrites: bool = True):  # noqa: ANN001, ANN202
    def replace(src, dst, *, src_dir_fd=None, dst_dir_fd=None):  # noqa: ANN001, ANN202
        _refuse_if_held(_full(src, src_dir_fd), _full(dst, dst_dir_fd), folders=True)
        if not overwrites and os.path.lexists(_full(dst, dst_dir_fd)):  # Windows' rename never overwrites
            raise FileExistsError(errno.EEXIST, "Cannot create a file when that file already exists", dst)
        return real(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

    return replace


def _removing(real):  # noqa: ANN001, ANN202
    def remove(path, *, dir_fd=None):  # noqa: ANN001, ANN202
        _refuse_if_held(_full(path, dir_fd), folders=True)
        return real(path, dir_fd=dir_fd)

    return remove


def _os_open(path, flags, mode=0o777, *, dir_fd=None):  # noqa: ANN001, ANN202
    if flags & (os.O_WRONLY | os.O_RDWR) and not isinstance(path, int):
        _refuse_if_held(_full(path, dir_fd), including_open_here=False)
    return _real["open"](path, flags, mode, dir_fd=dir_fd)


def _opening(real):  # noqa: ANN001, ANN202
    def open_(file, mode="r", *args, **kwargs):  # noqa: ANN001, ANN202
        if not isinstance(file, int) and any(letter in mode for letter in "wax+"):
            _refuse_if_held(_full(file), including_open_here=False)
        return real(file, mode, *args, **kwargs)

    return open_
