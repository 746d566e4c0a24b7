"""Broken copies of valid .docx files: bytes flipped, the file cut short, zip entries removed or swapped,
the document XML truncated or garbled. The fuzz test and `benchmarks.limits` read them; each must end in
a clear state (a record or problems), never a hang or a traceback.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path


def rezip(data: bytes, change) -> bytes:
    """Rewrite a zip's entries through `change(entries) -> entries` (a list of (name, bytes))."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in change(entries):
            target.writestr(name, content)
    return out.getvalue()


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        mutable[rng.randrange(len(mutable))] = rng.randrange(256)
    return bytes(mutable)


def truncate_file(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def remove_entry(data: bytes, rng: random.Random) -> bytes:
    return rezip(data, lambda entries: [e for i, e in enumerate(entries) if i != rng.randrange(len(entries))])


def swap_entries(data: bytes, rng: random.Random) -> bytes:
    def swap(entries):
        i, j = rng.randrange(len(entries)), rng.randrange(len(entries))
        names = [name for name, _ in entries]
        names[i], names[j] = names[j], names[i]
        return [(name, content) for name, (_, content) in zip(names, entries, strict=False)]

    return rezip(data, swap)


def truncate_xml(data: bytes, rng: random.Random) -> bytes:
    return rezip(
        data,
        lambda entries: [
            (n, c[: rng.randrange(len(c) + 1)] if n == "word/document.xml" else c) for n, c in entries
        ],
    )


def garble_xml(data: bytes, rng: random.Random) -> bytes:
    junk = rng.choice(
        [b"<w:p>", b"</w:body>", b"&bogus;", b"\x00\xff", b"<!DOCTYPE x>", b"<w:t>" * 50, b"]]>"]
    )

    def garble(entries):
        out = []
        for name, content in entries:
            if name == "word/document.xml":
                at = rng.randrange(len(content))
                content = content[:at] + junk + content[at:]
            out.append((name, content))
        return out

    return rezip(data, garble)


MUTATIONS = (flip_bytes, truncate_file, remove_entry, swap_entries, truncate_xml, garble_xml)


def write_mutants(originals: list[bytes], folder: Path, count: int, seed: int = 20201223) -> list[Path]:
    """`count` mutated copies of `originals` in `folder`, the mutations taken in turn."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        mutation = MUTATIONS[index % len(MUTATIONS)]
        path = folder / f"biến thể {index:04d} {mutation.__name__}.docx"
        path.write_bytes(mutation(rng.choice(originals), rng))
        paths.append(path)
    return paths
