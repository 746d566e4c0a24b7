"""Helpers more than one test module uses (test modules import helpers, never each other): models of the
seed campaign, the state profile, register records. Documents are built with tests/docxbuild.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pipeline.archive.register import Issued
from pipeline.build import BuiltDocument as Built
from pipeline.config import Workspace
from pipeline.model import Model

CITY, COMMUNE = "Cấp thành phố", "Cấp xã, phường"


COMMUNES = [
    "Phường Ngã Bảy",
    "Phường Lái Hiếu",
    "Phường Hiệp Thành",
    "Phường Hiệp Lợi",
    "Xã Đại Thành",
    "Xã Tân Thành",
]


def model(i: int, level: str = CITY, kind: str = "Tập thể", rating: str = "Tốt", **extra) -> Model:
    values = {
        "id": f"m{i:04d}",
        "name": f"Mô hình số {i}",
        "unit": "Chi bộ Tòa án",
        "level": level,
        "model_type": kind,
        "field": "Kinh tế",
        "rating": rating,
    }
    return Model(**{**values, **extra})


def seed_models() -> list[Model]:
    """The seed article: city 45 collective + 1 individual (40 Tốt, 6 Khá), commune 16 (13 Tốt, 3 Khá)."""
    city = [model(i, rating="Tốt" if i < 40 else "Khá") for i in range(45)]
    city.append(model(45, kind="Cá nhân", rating="Khá", unit="Nguyễn Văn Bé - Chuyên viên, Phòng Kinh tế"))
    communes = [
        model(100 + i, level=COMMUNE, rating="Tốt" if i < 13 else "Khá", unit=COMMUNES[i % 6])
        for i in range(16)
    ]
    return city + communes


def configured(workspace: Workspace, **tables) -> Workspace:
    """The workspace with some config tables changed, e.g. decision={...} or issuer={...}."""
    config = workspace.config
    changes = {key: {**getattr(config, key), **value} for key, value in tables.items()}
    return replace(workspace, config=replace(config, **changes))


def by_kind(documents, kind: str, level: str | None = None):
    return [d for d in documents if d.kind == kind and (level is None or d.level == level)]


def state_profile(workspace: Workspace) -> Workspace:
    """The workspace as the UBND of Ngã Bảy (NĐ 30)."""
    return configured(
        workspace,
        issuer={
            "profile": "state",
            "name": "Ủy ban nhân dân thành phố Ngã Bảy",
            "parent": "Tỉnh Hậu Giang",
            "authority": "Ủy ban nhân dân thành phố Ngã Bảy",
            "authority_line": "ỦY BAN NHÂN DÂN THÀNH PHỐ NGÃ BẢY",
            "symbol": "UBND",
            "office": "VP",
        },
        signer={"on_behalf": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH"},
    )


SUBJECT = 'về việc công nhận mô hình "Dân vận khéo" năm 2020'


def built(workspace: Workspace, kind: str, code: str, level: str | None = "city", **context) -> Built:
    path = workspace.outputs / "2020" / f"{code}.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"draft {code}".encode())
    return Built(kind, path, level, 3, code, f"{kind}.docx", {"year": 2020, **context}, SUBJECT)


def issued(number: int, symbol: str, scope: str, day: date, code: str | None = None) -> Issued:
    return Issued(
        number=number,
        symbol=symbol,
        scope=scope,
        date=day,
        kind="decision",
        subject=SUBJECT,
        signer="Nguyễn Văn A",
        recipients=("Ban Dân vận Tỉnh ủy",),
        code=code,
        sha256=f"{number:064x}",
        file_name=f"qd-{number}.pdf",
        archive_path=f"outputs/archive/{day.year}/{number}-{symbol}",
        signature="scan",
    )
