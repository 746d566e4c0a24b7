"""`dvk serve` at campaign scale: how soon the first screen appears with N files (issue 13).

Uses the issue-6 corpus (benchmarks/bench.py generates and caches it), checks it once cold, then starts
the server as `dvk serve` does (a check at start-up) and times, over real HTTP on 127.0.0.1:
the start-up check, the first /ho-so (the file list: 50 rows per page), the same page again, a search
and a filter, the overview, the appraisal table; and, as the naive baseline, the whole list on one page.
When chromium is installed, the browser's own time to a painted, loaded page is measured too.

    python -m benchmarks.bench_web --files 10000
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from time import perf_counter

import httpx
import uvicorn

from benchmarks.bench import ensure_corpus, make_workspace
from pipeline import service
from pipeline.config import load_workspace
from pipeline.web import app as web_app
from pipeline.web import pages

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def timed(func, *args):
    start = perf_counter()
    value = func(*args)
    return perf_counter() - start, value


def serve(workspace) -> tuple[uvicorn.Server, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(web_app.create_app(workspace), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


def get(client: httpx.Client, url: str) -> tuple[float, int]:
    start = perf_counter()
    answer = client.get(url)
    answer.raise_for_status()
    return perf_counter() - start, len(answer.content)


def median_get(client: httpx.Client, url: str, repeat: int = 5) -> tuple[float, int]:
    samples = [get(client, url) for _ in range(repeat)]
    return statistics.median(s for s, _ in samples), samples[0][1]


def browser_times(base: str, urls: list[str]) -> dict[str, float]:
    """Navigation start to the load event, as chromium reports it, for each URL (first visit)."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        for url in urls:
            page.goto(base + url, wait_until="load", timeout=120_000)
            timing = page.evaluate(
                "(() => { const t = performance.getEntriesByType('navigation')[0];"
                " return [t.responseEnd, t.loadEventEnd]; })()"
            )
            found[url] = timing[1] / 1000
        browser.close()
    return found


def run(n: int, jobs: int, reuse: Path | None = None) -> list[tuple[str, float, str]]:
    scratch = Path(tempfile.mkdtemp(prefix="dvk-bench-web-"))
    try:
        rows: list[tuple[str, float, str]] = []
        if reuse is None:
            workspace = make_workspace(scratch / "ws", ensure_corpus(n, jobs))
            cold, _ = timed(service.check, workspace)
            rows.append(("check cold (before serving; not part of the page)", cold, ""))
        else:
            workspace = load_workspace(reuse)
        startup, result = timed(service.check, workspace)  # what `dvk serve` does before its first page
        warm, _ = timed(pages.prepare_pages, workspace)
        rows += [
            ("dvk serve start-up check (warm cache)", startup, ""),
            ("dvk serve start-up: first screens prepared (workbook, stats, index)", warm, ""),
        ]
        server, base = serve(workspace)
        with httpx.Client(timeout=120) as client:
            first, size = get(client, base + "/ho-so")
            rows.append(("first screen: GET /ho-so (50 rows)", first, f"{size // 1024} KB, < 1 s target"))
            for label, url in (
                ("GET /ho-so again (median of 5)", "/ho-so"),
                ("search without diacritics (median of 5)", "/ho-so?q=phuong"),
                ("filter: rejected files (median of 5)", "/ho-so?trang-thai=rejected"),
                ("page 100 of the list (median of 5)", "/ho-so?trang=100"),
                ("GET / overview (median of 5)", "/"),
                ("GET /tham-dinh appraisal table (median of 5)", "/tham-dinh"),
            ):
                seconds, size = median_get(client, base + url)
                rows.append((label, seconds, f"{size // 1024} KB"))
            web_app.PAGE_SIZE = len(result.files)  # the naive page: every file in one table
            seconds, size = get(client, base + "/ho-so")
            rows.append(("naive: all files in one page", seconds, f"{size // 1024} KB"))
            web_app.PAGE_SIZE = 50
        if CHROMIUM.exists():
            for url, seconds in browser_times(base, ["/ho-so", "/", "/tham-dinh"]).items():
                rows.append((f"chromium: {url} navigation to load event", seconds, ""))
            web_app.PAGE_SIZE = len(result.files)
            naive = browser_times(base, ["/ho-so"])["/ho-so"]
            rows.append(("chromium naive: all files in one page, to load event", naive, ""))
            web_app.PAGE_SIZE = 50
        server.should_exit = True
        return rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_web", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--files", type=int, default=2000, help="number of synthetic submissions")
    parser.add_argument("--jobs", type=int, default=2, help="processes generating the corpus")
    parser.add_argument("--workspace", type=Path, help="an already checked workspace to serve instead")
    args = parser.parse_args(argv)
    rows = run(args.files, args.jobs, args.workspace)
    print(
        f"dvk serve with {args.files:,} files" if args.workspace is None else f"dvk serve on {args.workspace}"
    )
    print(f"{'measure':<66} | {'seconds':>8} | note")
    print("-" * 66 + "-+-" + "-" * 8 + "-+-----")
    for label, seconds, note in rows:
        print(f"{label:<66} | {seconds:8.3f} | {note}")


if __name__ == "__main__":
    main()
