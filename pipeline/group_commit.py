"""Many small saves into one file, written together: one write for every save waiting (group commit).

Saving an appraisal result rewrites the workbook (its one changed sheet, re-compressed): tens of
milliseconds for a province's workbook. A clerk and colleagues saving at once each waited for every
save queued before theirs, one write each. Here whoever finds no write under way writes every save
queued so far in one go; saves arriving meanwhile queue, and the first of them writes the next group
when the current one is done. A save returns only once the write holding it is on disk, so every
acknowledged save is in the file, and a save never waits for more than the write before its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(eq=False)
class _Waiting(Generic[T]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    leads: bool = False  # woken to write the next group, not because its own write is done
    error: BaseException | None = None


class GroupCommit(Generic[T]):
    """Saves of items into one file. `write(items)` writes a group and returns, for each item in order,
    None or the error that item alone met (a row not found); an exception fails the whole group."""

    def __init__(self, write: Callable[[Sequence[T]], Sequence[BaseException | None]]) -> None:
        self.write = write
        self.lock = threading.Lock()
        self.queue: list[_Waiting[T]] = []
        self.writing = False

    def save(self, item: T) -> None:
        """Return once `item` is written; raise the error of its write."""
        waiting = _Waiting(item)
        with self.lock:
            self.queue.append(waiting)
            waiting.leads = not self.writing
            self.writing = True
        if not waiting.leads:
            waiting.done.wait()
        if waiting.leads:
            self.write_group()
        if waiting.error is not None:
            raise waiting.error

    def write_group(self) -> None:
        with self.lock:
            group, self.queue = self.queue, []
        try:
            errors = list(self.write([waiting.item for waiting in group]))
        except BaseException as exc:  # the whole write failed: every save in it is told so
            errors = [exc] * len(group)
        with self.lock:
            following = self.queue[0] if self.queue else None
            self.writing = following is not None
            if following is not None:
                following.leads = True
        for waiting, error in zip(group, errors, strict=True):
            waiting.error, waiting.leads = error, False
            waiting.done.set()
        if following is not None:
            following.done.set()
