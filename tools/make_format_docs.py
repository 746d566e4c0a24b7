"""Render the decision and the list of the sample campaign in both profiles as PNG images for docs/.

`python -m tools.make_format_docs` builds two workspaces from the sample inputs in inputs/ (the default
Party configuration, and the same campaign issued by a UBND in the State profile, `state_config`),
checks each rendered decision and list with `dvk format check`'s checklists, converts the first page of every
decision and list to PDF with LibreOffice and to PNG with pdftoppm, and writes them to docs/. The
README shows them: look at them after changing a template (lines, weights, wraps).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline import format_check
from pipeline.build import convert_to_pdf
from pipeline.check import run_check
from pipeline.config import DEFAULT_CONFIG, init_workspace, load_workspace
from pipeline.service import build_campaign

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# The State profile (NĐ 30): a UBND issues the decision; it has no chủ quản line above its name.
STATE_TABLES = """[issuer]
name = "Ủy ban nhân dân thành phố Ngã Bảy"
parent = ""
authority = "Ủy ban nhân dân thành phố Ngã Bảy"
place = "Ngã Bảy"
symbol = "UBND"
office = "VP"
profile = "state"
authority_line = "ỦY BAN NHÂN DÂN THÀNH PHỐ NGÃ BẢY"
term_start = "2016-07-01"

[signer]
on_behalf = "TM. ỦY BAN NHÂN DÂN"
title = "CHỦ TỊCH"
name = "Trần Văn B"

[decision]
commune_decisions = "issuer"
grounds = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003;",
    "Căn cứ Kế hoạch của Ủy ban nhân dân thành phố về phong trào thi đua \\"Dân vận khéo\\" năm 2020;",
    "Xét đề nghị của Trưởng phòng Nội vụ thành phố.",
]
recipients = ["Ủy ban nhân dân tỉnh (báo cáo)", "Thường trực Thành ủy", "Như Điều 3"]
executors = "Chánh Văn phòng, Trưởng phòng Nội vụ thành phố và các tập thể, cá nhân có tên tại Điều 1"

"""


def state_config() -> str:
    """The default dvk.toml with its [issuer], [signer] and [decision] tables for a UBND (State profile);
    the vocabulary, units and format stay the default's."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    head, rest = text.split("[issuer]", 1)
    return head + STATE_TABLES + "[format]" + rest.split("[format]", 1)[1]


def sample_workspace(root: Path, state: bool) -> Path:
    """A workspace holding the sample inputs, in the Party or the State profile."""
    init_workspace(root)
    if state:
        (root / "dvk.toml").write_text(state_config(), encoding="utf-8")
    shutil.rmtree(root / "inputs")
    shutil.copytree(ROOT / "inputs", root / "inputs")
    return root


def first_page_png(docx: Path, out: Path, work: Path) -> Path:
    """docx -> PDF (LibreOffice) -> PNG of page 1 at 110 dpi (pdftoppm)."""
    copy = work / docx.name
    shutil.copyfile(docx, copy)
    [pdf] = convert_to_pdf([copy])
    stem = work / out.stem
    command = ["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)]
    subprocess.run(command, check=True)
    shutil.move(stem.with_suffix(".png"), out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Render docs/*.png from the sample inputs, both profiles.")
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        for profile in ("party", "state"):
            workspace = load_workspace(sample_workspace(Path(temp) / profile, profile == "state"))
            run_check(workspace)
            documents = build_campaign(workspace, as_proposed=True).documents
            for document in documents:
                if document.kind in ("decision", "list") and document.level == "Cấp thành phố":
                    checks = format_check.check_file(document.path, workspace.config)
                    failed = [c.element for c in checks if not c.passed]
                    if failed:
                        raise SystemExit(f"{document.path.name}: {failed}")
                    name = f"{'quyet-dinh' if document.kind == 'decision' else 'danh-sach'}-{profile}.png"
                    print(first_page_png(document.path, args.out / name, Path(temp)))


if __name__ == "__main__":
    main()
