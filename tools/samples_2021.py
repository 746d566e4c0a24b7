"""Write the second year of the demo (`make demo`): a small 2021 campaign in samples/2021/.

Three proposals: Chi bộ Tòa án proposes its 2020 model again under a reworded name (a re-proposal, flagged
by `dvk check`), Phường Hiệp Thành takes up Phường Lái Hiếu's 2020 model (replicated, in the Báo cáo duy
trì, nhân rộng), and Xã Đại Thành proposes a new model. The 2021 workspace shares the 2020 sample
workspace's campaign history (`[history] file` in samples/2021/dvk.toml).

Run: python -m tools.samples_2021 [OUTDIR]   (default samples/2021)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pipeline.config import DEFAULT_CONFIG
from pipeline.model import Kind
from tools.docgen import TemplateWriter, make_values

OUT = Path(__file__).resolve().parent.parent / "samples" / "2021"
PROPOSALS = (
    (
        "Chi bộ Tòa án/Báo cáo mô hình DVK 2021.docx",
        "Vận dụng công tác dân vận khéo vào giải quyết án",
        "Chi bộ Tòa án",
        "Cấp thành phố",
    ),
    (
        "Phường Hiệp Thành/Báo cáo DVK 2021.docx",
        "Tiểu thương nói không với thực phẩm bẩn",
        "Phường Hiệp Thành",
        "Cấp xã, phường",
    ),
    (
        "Xã Đại Thành/Báo cáo mô hình 2021.docx",
        "Tổ tự quản tuyến đường hoa",
        "Xã Đại Thành",
        "Cấp xã, phường",
    ),
)
# Both workspaces find the history where the 2020 samples (the repository's root) put it by default: beside
# their folder.
HISTORY = '\n[history]\nfile = "../../../dvk-history.sqlite3"\n'


def write_samples(out: Path = OUT) -> list[Path]:
    config = re.sub(r"(?m)^year = \d{4}", "year = 2021", DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config = re.sub(r"(?m)^registered = \d+", "registered = 12", config)
    out.mkdir(parents=True, exist_ok=True)
    (out / "dvk.toml").write_text(config + HISTORY, encoding="utf-8")
    writer, written = TemplateWriter(), []
    for seed, (rel, name, unit, level) in enumerate(PROPOSALS, start=2021):
        values = make_values(Kind.PROPOSAL, seed=seed, model_name=name, unit=unit, level=level, year="2021")
        written.append(writer.write(out / "inputs" / rel, "paragraph", Kind.PROPOSAL, values))
    return written


if __name__ == "__main__":
    for path in write_samples(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
