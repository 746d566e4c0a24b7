"""The years on the page (Các năm): registered and recognised per year from the campaign history, the chart,
and the earlier models this campaign maintains or replicates. Handlers parse, call `pipeline.service` and
render, like those in app.py.
"""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from pipeline import service
from pipeline.web import pages as views
from pipeline.web.respond import page


def routes() -> list[Route]:
    return [Route("/cac-nam", years_page), Route("/cac-nam/bieu-do.png", years_chart)]


def years_view(workspace) -> dict:
    from pipeline import maintenance  # renders with docxtpl: loaded when the page is asked for, not before

    stats = service.year_stats(workspace)
    follow_ups = service.follow_ups(workspace, views.current_check(workspace))
    return {
        "years": stats["years"],
        "chart": bool(stats["chart"]),
        "units": maintenance.by_unit(follow_ups),
        "year": workspace.config.year,
    }


async def years_page(request: Request) -> Response:
    view = await run_in_threadpool(years_view, request.app.state.workspace)
    return page(request, "cac-nam.html", **view)


async def years_chart(request: Request) -> Response:
    workspace = request.app.state.workspace
    stats = await run_in_threadpool(service.year_stats, workspace)
    if not stats["chart"]:
        raise HTTPException(404, "Sổ lịch sử mô hình chưa có năm nào.")
    return FileResponse(Path(stats["chart"]), media_type="image/png")
