"""Child processes the same way on every system: start, time-limit, watch memory, kill with children.

Only the `spawn` start method is used (the one Windows has): a child imports what it runs by name, so
every function handed to a child is a module-level function and every argument is picklable. Time
limits and memory caps are enforced by the parent, which kills an overrunning child and its children
(psutil walks the tree on every system; on POSIX the child's own process group is killed as well).
Children exit by themselves when their parent dies, so a killed `dvk` leaves no worker behind.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import subprocess
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import psutil

from pipeline.model import DvkError

SPAWN = multiprocessing.get_context("spawn")
TICK = 0.2  # how often the parent looks at its workers' clocks and memory
IN_FLIGHT = 8  # tasks queued per worker: the next ones are there when the current one ends
# A task's time limit counts from when its worker reports that it began it, never the worker's start-up
# (a spawned worker imports the package afresh; on a slow or busy PC, with antivirus scanning each file
# it loads, that takes seconds). A worker that never begins its first task is still stopped, after this.
STARTUP_SECONDS = 120.0


# ---------------------------------------------------------------------------- external programs


def start_program(command: Sequence[str], **options: Any) -> subprocess.Popen:
    """Start an external program so that `kill_tree` can later stop it with everything it started.

    POSIX: its own session (a process group to kill). Windows: its own process group and no console
    window; the tree is walked by `kill_tree`."""
    if hasattr(os, "setsid"):
        options["start_new_session"] = True
    else:
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) | getattr(
            subprocess, "CREATE_NO_WINDOW", 0
        )
        options["creationflags"] = options.get("creationflags", 0) | flags
    return subprocess.Popen(list(command), **options)


def kill_tree(pid: int | None) -> None:
    """Kill a running process and every process below it; wait until they are gone (None: a process
    never started, nothing to kill).

    Call it only for a process not yet waited for (a reaped pid may belong to someone else now)."""
    if pid is None:
        return
    try:
        top = psutil.Process(pid)
        family = [*top.children(recursive=True), top]
    except psutil.Error:
        family = []
    killpg = getattr(os, "killpg", None)  # POSIX: also catches helpers that left the tree
    if killpg is not None:
        try:
            killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    for member in family:
        try:
            member.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(family, timeout=5)


def stop_program(proc: subprocess.Popen, timeout: float | None) -> tuple[bytes, bool]:
    """Wait for `proc` up to `timeout` seconds, collecting its output; kill its tree if it overruns.

    Returns (output, finished in time). The tree is killed in either case, so helpers a program left
    behind after a normal exit go too."""
    try:
        output, _ = proc.communicate(timeout=timeout)
        in_time = True
    except subprocess.TimeoutExpired:
        output, in_time = b"", False
    if proc.poll() is None:
        kill_tree(proc.pid)
    elif hasattr(os, "killpg"):
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the group outlives its leader while a helper lives
        except OSError:
            pass
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    return output or b"", in_time


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs now (no signal is sent: on Windows os.kill would stop it)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


# ---------------------------------------------------------------------------- inside a child


def exit_with_parent() -> None:
    """In a child: end this process as soon as its parent is gone (killed, crashed or closed), with what
    it started (a LibreOffice converting a file would otherwise run on, or hang, with nobody waiting)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        for child in psutil.Process().children():
            kill_tree(child.pid)
        os._exit(70)

    threading.Thread(target=watch, name="dvk-parent-watch", daemon=True).start()


def cap_own_memory(extra_bytes: int) -> bool:
    """Limit this process to its present size plus `extra_bytes`, where the system can (POSIX).

    Past it an allocation fails (MemoryError) at once; elsewhere the parent's watchdog stops the child
    a moment later. Returns whether a hard cap was set."""
    try:
        import resource  # POSIX only; this is the one module allowed to ask for it
    except ImportError:
        return False
    limit = psutil.Process().memory_info().vms + extra_bytes
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    except (ValueError, OSError):
        return False
    return True


def rss(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.Error:
        return 0


# ---------------------------------------------------------------------------- one call in a child


def run_in_child(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a fresh child process; its result, or its exception raised again here.

    Used to give memory back: everything the call built is returned to the system when the child ends.
    A DvkError comes back as itself (or as a DvkError with its message, if its type cannot travel); any
    other exception is a bug and comes back as RuntimeError with the child's traceback."""
    receiving, sending = SPAWN.Pipe(duplex=False)
    child = SPAWN.Process(target=_call_and_send, args=(sending, function, args), name="dvk-child")
    child.start()
    sending.close()
    try:
        kind, value = receiving.recv()
    except EOFError:
        child.join(5)
        kind, value = "crash", f"tiến trình con dừng đột ngột (mã {child.exitcode})"
    finally:
        if child.is_alive():
            child.join(5)
        if child.is_alive():
            kill_tree(child.pid)
        child.join()
        receiving.close()
    if kind == "error":
        raise value
    if kind == "crash":
        raise RuntimeError(value)
    return value


def _call_and_send(sending: multiprocessing.connection.Connection, function: Callable, args: tuple) -> None:
    exit_with_parent()
    try:
        outcome: tuple = ("result", function(*args))
    except DvkError as exc:  # for the user: raised again in the parent, as itself when it can travel
        outcome = ("error", exc if survives_pickling(exc) else DvkError(str(exc)))
    except BaseException:  # noqa: BLE001 - a bug: its traceback, not a crash of the pipe
        outcome = ("crash", traceback.format_exc())
    try:
        sending.send(outcome)
    except Exception:  # noqa: BLE001 - a result pickle cannot carry
        sending.send(("crash", traceback.format_exc()))
    sending.close()


def survives_pickling(exc: BaseException) -> bool:
    try:
        return type(pickle.loads(pickle.dumps(exc))) is type(exc)
    except Exception:  # noqa: BLE001 - an exception whose constructor pickle cannot call
        return False


# ---------------------------------------------------------------------------- a pool with time limits

OK, ERROR, TIMEOUT, CRASH, MEMORY = "ok", "error", "timeout", "crash", "memory"
STARTED = "started"  # a worker's message, not an outcome: it began the task it names


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: multiprocessing.connection.Connection
    queue: deque = field(default_factory=deque)  # task indexes sent, oldest (the running one) first
    started: float | None = None  # when the worker said it began the oldest queued task (None: not yet)
    waiting: float = 0.0  # since when the oldest queued task has waited to begin
    run: int = -1  # the run whose arguments and environment it has


def run_tasks(
    function: Callable[..., Any],
    tasks: Sequence[tuple],
    workers: int,
    seconds: float,
    memory_bytes: int,
    common: tuple = (),
) -> Iterator[tuple[int, str, Any]]:
    """`function(*task, *common)` for every task in worker processes, yielding (index, status, value) as
    each ends, in completion order. Status: OK (value = result), ERROR (value = "Type: message"),
    TIMEOUT (ran past `seconds`), MEMORY (past `memory_bytes`), CRASH (value = exit code).

    A worker that overruns its time or memory is killed with its children and replaced; only its
    running task fails, the tasks queued behind it go to other workers. Workers stay for the next run
    of the same function in this process (starting one costs a Python start-up), and get that run's
    arguments and environment first."""
    pool, kept = _pool_for(function, memory_bytes)
    try:
        with pool.lock:
            pool.prepare(common, seconds, max(1, min(workers, len(tasks))), len(tasks))
            yield from pool.run(tasks)
    except BaseException:  # stopped half-way (an error, an interrupt): its workers may be mid-task
        kept = False
        raise
    finally:
        if not kept:
            pool.close()


_pools: dict[tuple, _Pool] = {}
_pools_lock = threading.Lock()


def _pool_for(function: Callable, memory_bytes: int) -> tuple[_Pool, bool]:
    """The pool kept for this function, or a private one (closed after its run) while another thread
    uses it."""
    with _pools_lock:
        pool = _pools.setdefault((function, memory_bytes), _Pool(function, memory_bytes))
        return (pool, True) if not pool.lock.locked() else (_Pool(function, memory_bytes), False)


@dataclass
class _Pool:
    function: Callable[..., Any]
    memory_bytes: int
    common: tuple = ()
    seconds: float = 0.0
    generation: int = 0
    workers: list[_Worker] = field(default_factory=list)
    pending: deque = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prepare(self, common: tuple, seconds: float, count: int, size: int) -> None:
        self.common, self.seconds = common, seconds
        self.generation += 1
        self.pending = deque(range(size))
        self.workers = [worker for worker in self.workers if worker.process.is_alive()]
        self.workers += [self.new_worker() for _ in range(count - len(self.workers))]

    def run(self, tasks: Sequence[tuple]) -> Iterator[tuple[int, str, Any]]:
        last_watch = time.monotonic()
        while self.pending or any(worker.queue for worker in self.workers):
            for worker in list(self.workers):
                self.feed(worker, tasks)
            yield from self.collect()
            if time.monotonic() - last_watch >= TICK:
                last_watch = time.monotonic()
                yield from self.watch()

    def new_worker(self) -> _Worker:
        parent_end, child_end = SPAWN.Pipe()
        process = SPAWN.Process(
            target=_worker_loop,
            args=(child_end, self.function, self.memory_bytes),
            name="dvk-worker",
            daemon=True,
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def feed(self, worker: _Worker, tasks: Sequence[tuple]) -> None:
        try:
            if self.pending and worker.run != self.generation:
                worker.conn.send(("setup", self.common, dict(os.environ)))
                worker.run = self.generation
            while self.pending and len(worker.queue) < IN_FLIGHT:
                index = self.pending.popleft()
                if not worker.queue:
                    worker.started, worker.waiting = None, time.monotonic()
                worker.queue.append(index)
                worker.conn.send(("task", index, tasks[index]))
        except OSError:  # the worker is gone: collect() sees its end and hands its tasks on
            if not worker.queue:
                self.replace(worker)

    def collect(self) -> Iterator[tuple[int, str, Any]]:
        busy = {worker.conn: worker for worker in self.workers if worker.queue}
        for ready in multiprocessing.connection.wait(list(busy), timeout=TICK):
            assert isinstance(ready, multiprocessing.connection.Connection)  # wait gives back what it got
            worker, conn = busy[ready], ready
            try:
                index, status, value = conn.recv()
            except (EOFError, OSError):
                worker.process.join(1)
                yield self.fail(worker, CRASH, worker.process.exitcode)
                continue
            if status == STARTED:
                worker.started = time.monotonic()
                continue
            worker.queue.popleft()
            worker.started, worker.waiting = None, time.monotonic()
            yield index, status, value

    def watch(self) -> Iterator[tuple[int, str, Any]]:
        now = time.monotonic()
        for worker in list(self.workers):
            if not worker.queue:
                continue
            if worker.started is not None and now - worker.started > self.seconds:
                status = TIMEOUT
            elif worker.started is None and now - worker.waiting > max(self.seconds, STARTUP_SECONDS):
                status = TIMEOUT
            elif rss(worker.process.pid) > self.memory_bytes:
                status = MEMORY
            else:
                continue
            kill_tree(worker.process.pid)
            yield self.fail(worker, status, None)

    def fail(self, worker: _Worker, status: str, value: Any) -> tuple[int, str, Any]:
        """The running task fails with `status`; those queued behind it go back to the front; the worker
        is replaced."""
        running = worker.queue.popleft()
        self.pending.extendleft(reversed(worker.queue))
        worker.queue.clear()
        self.replace(worker)
        return running, status, value

    def replace(self, worker: _Worker) -> None:
        _stop_worker(worker)
        self.workers[self.workers.index(worker)] = self.new_worker()

    def close(self) -> None:
        for worker in self.workers:
            _stop_worker(worker)
        self.workers = []


def _stop_worker(worker: _Worker) -> None:
    try:
        worker.conn.send(None)
    except OSError:
        pass
    worker.process.join(0 if worker.queue else 1)
    if worker.process.is_alive():
        kill_tree(worker.process.pid)
        worker.process.join()
    worker.conn.close()


def _worker_loop(conn: multiprocessing.connection.Connection, function: Callable, memory_bytes: int) -> None:
    exit_with_parent()
    cap_own_memory(memory_bytes)
    common: tuple = ()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if message[0] == "setup":  # a new run: its arguments, and its environment (settings read from it)
            _, common, environment = message
            os.environ.clear()
            os.environ.update(environment)
            continue
        _, index, task = message
        try:
            conn.send((index, STARTED, None))
        except (OSError, ValueError):
            return
        try:
            reply: tuple = (index, OK, function(*task, *common))
        except MemoryError:
            reply = (index, MEMORY, None)
        except Exception as exc:  # noqa: BLE001 - reported for this task; the worker goes on
            reply = (index, ERROR, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
        except Exception as exc:  # noqa: BLE001 - a result pickle cannot carry
            conn.send((index, ERROR, f"kết quả không gửi được về tiến trình chính: {exc}"))
