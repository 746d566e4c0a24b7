"""The signed campaign the archive tests share (test modules import helpers, never each other): drafts
built once, PDFs of them (LibreOffice when installed, else pypdf text PDFs of the drafts' text), a
throwaway CA, and a fresh workspace per test with the drafts recorded and the CA trusted."""

from __future__ import annotations

import shutil
import types
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline import build
from pipeline.archive.register import open_register, record_drafts
from pipeline.archive.signature_policy import Acceptance
from pipeline.config import Workspace, init_workspace, load_workspace
from pipeline.model import Model
from tests.pdfsign import convert_with_soffice, draft_pdf, issue_signer, make_ca, sign_pdf

SIGNER = "Nguyễn Văn A"
CITY_LEVEL, COMMUNE_LEVEL = "Cấp thành phố", "Cấp xã, phường"


def model(i: int, level: str, unit: str = "Chi bộ Tòa án") -> Model:
    return Model(f"m{i:03d}", f"Mô hình số {i}", unit, level, "Tập thể", "Kinh tế", "Tốt")


MODELS = [model(1, CITY_LEVEL), model(2, CITY_LEVEL), model(3, COMMUNE_LEVEL, "Phường Lái Hiếu")]


@pytest.fixture(scope="session")
def pki():
    trusted = make_ca("CA thử nghiệm dvk")
    other = make_ca("CA không tin cậy")
    return types.SimpleNamespace(
        trusted=trusted, signer=issue_signer(trusted, SIGNER), stranger=issue_signer(other, "Người Lạ")
    )


@pytest.fixture(scope="session")
def campaign(tmp_path_factory):
    """Drafts made once with pipeline.build, and PDFs of the city decision: "draft" (number and day left
    blank) and "numbered" (built with number 123 on 23/12/2020), converted with LibreOffice; without
    soffice, pypdf text PDFs of the drafts' text (ASCII only, so there is no "numbered")."""
    folder = tmp_path_factory.mktemp("campaign")
    workspace = load_workspace(init_workspace(folder / "ws"))
    documents = build.build_documents(workspace, MODELS, 187)
    kinds = {(d.kind, d.level): d for d in documents}
    city, commune = kinds[("decision", CITY_LEVEL)], kinds[("decision", COMMUNE_LEVEL)]
    pdfs = {"commune": draft_pdf(commune.path)}
    if shutil.which("soffice"):
        other = load_workspace(init_workspace(folder / "numbered"))
        numbered = build.build_documents(other, MODELS, 187, number=123, issued=date(2020, 12, 23))[0]
        draft_docx = shutil.copyfile(city.path, folder / "du-thao.docx")
        numbered_docx = shutil.copyfile(numbered.path, folder / "so-123.docx")
        made = convert_with_soffice([draft_docx, numbered_docx], folder)
        pdfs["draft"], pdfs["numbered"] = (pdf.read_bytes() for pdf in made)
    else:
        pdfs["draft"] = draft_pdf(city.path)
    return types.SimpleNamespace(
        root=workspace.root,
        documents=documents,
        pdfs=pdfs,
        city=city.code,
        city_list=kinds[("list", CITY_LEVEL)].code,
        commune=commune.code,
        city_path=city.path.relative_to(workspace.root),
        list_path=kinds[("list", CITY_LEVEL)].path.relative_to(workspace.root),
    )


@pytest.fixture(scope="session")
def signed(campaign, pki) -> dict[str, bytes]:
    return {name: sign_pdf(data, pki.signer) for name, data in campaign.pdfs.items()}


@pytest.fixture
def workspace(tmp_path: Path, pki, campaign) -> Workspace:
    """A fresh copy of the built campaign, its drafts recorded, the test CA in trust-roots/."""
    root = Path(shutil.copytree(campaign.root, tmp_path / "ws"))
    (root / "trust-roots" / "ca-thu-nghiem.pem").write_bytes(pki.trusted.pem())
    ws = load_workspace(root)
    moved = [replace(d, path=root / d.path.relative_to(campaign.root)) for d in campaign.documents]
    record_drafts(ws, moved)
    return ws


def put(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def issued_rows(workspace: Workspace) -> list[tuple]:
    conn = open_register(workspace)
    rows = conn.execute("SELECT number, symbol, code, signature FROM issued ORDER BY number").fetchall()
    conn.close()
    return [tuple(row) for row in rows]


EVERY_REASON = Acceptance(untrusted="đã xác minh qua điện thoại", unsigned="bản giấy ký tay")
