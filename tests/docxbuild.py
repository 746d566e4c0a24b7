"""Build minimal .docx files from a few lines of WordprocessingML, for tests.

write_docx(path, p("1. Tên mô hình: ", r("Sổ vàng", bold=True)), tbl([["Cấp", "cấp TP"]]))
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="word/document.xml"/>
</Relationships>"""
DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
 Target="styles.xml"/>
</Relationships>"""


def styles_xml(default_font: str = "Times New Roman", extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W_NS}">'
        f'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{default_font}" w:hAnsi="{default_font}"/>'
        f"</w:rPr></w:rPrDefault></w:docDefaults>{extra}</w:styles>"
    )


def r(text: str, font: str | None = None, bold: bool = False) -> str:
    props = ""
    if font or bold:
        props = (
            "<w:rPr>"
            + (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}"/>' if font else "")
            + ("<w:b/>" if bold else "")
            + "</w:rPr>"
        )
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def p(*parts: str, style: str | None = None) -> str:
    """A paragraph; plain strings become runs, strings starting with '<' are inserted as XML."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return "<w:p>" + props + "".join(part if part.startswith("<") else r(part) for part in parts) + "</w:p>"


def ins(*parts: str) -> str:
    return (
        '<w:ins w:id="1" w:author="A" w:date="2020-12-01T00:00:00Z">'
        + "".join(part if part.startswith("<") else r(part) for part in parts)
        + "</w:ins>"
    )


def dele(text: str) -> str:
    return (
        f'<w:del w:id="2" w:author="A" w:date="2020-12-01T00:00:00Z"><w:r>'
        f'<w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>'
    )


def cell(content: str) -> str:
    if content.startswith("<w:tc>"):  # a cell made by `tc` (merged)
        return content
    body = content if content.startswith("<") else p(content)
    return f"<w:tc>{body}</w:tc>"


def tc(text: str = "", span: int = 1, merge: str = "") -> str:
    """A merged cell as Word writes it: `span` grid columns wide (w:gridSpan); `merge` "restart" opens a
    vertical merge and "continue" carries it on (w:vMerge, the continued cell holding an empty paragraph)."""
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>" if merge else ""
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text) if text else '<w:p/>'}</w:tc>"


def tbl(rows: list[list[str]]) -> str:
    """A table; each cell is plain text (one paragraph) or XML (paragraphs/tables)."""
    return (
        "<w:tbl><w:tblPr/>"
        + "".join("<w:tr>" + "".join(cell(c) for c in row) + "</w:tr>" for row in rows)
        + "</w:tbl>"
    )


def sdt(tag: str, content: str, placeholder: bool = False, block: bool = False) -> str:
    """A content control tagged `tag`; `content` is text (run-level) or paragraphs (block-level)."""
    plc = "<w:showingPlcHdr/>" if placeholder else ""
    inner = content if content.startswith("<") else (p(content) if block else r(content))
    return (
        f'<w:sdt><w:sdtPr><w:alias w:val="{tag}"/><w:tag w:val="{tag}"/>{plc}<w:text/></w:sdtPr>'
        f"<w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    )


def text_box(*paragraphs: str) -> str:
    """A run holding a text box in mc:Choice and the same text again in mc:Fallback (as Word writes)."""
    body = "".join(paragraphs)
    return (
        f'<w:r><mc:AlternateContent xmlns:mc="{MC_NS}"><mc:Choice Requires="wps"><w:drawing>'
        f'<wps:wsp xmlns:wps="{WPS_NS}"><wps:txbx><w:txbxContent>{body}</w:txbxContent></wps:txbx></wps:wsp>'
        f"</w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>{body}</w:txbxContent></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )


def document_xml(*body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
        f"<w:body>{''.join(body)}<w:sectPr/></w:body></w:document>"
    )


HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
HEADER_REL = (
    '<Relationship Id="rId9" Target="header1.xml"'
    ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"/>'
)


FONT_TABLE_REL = (
    '<Relationship Id="rId8" Target="fontTable.xml"'
    ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"/>'
)


def write_docx(
    path: Path, *body: str, styles: str | None = None, header: str | None = None, fonts: tuple[str, ...] = ()
) -> Path:
    """A minimal package; `header` is the XML of a page header's paragraphs; `fonts`, when given, are
    listed in a font table as Word writes one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    types, rels = CONTENT_TYPES, DOC_RELS
    if header is not None:
        override = f'<Override PartName="/word/header1.xml" ContentType="{HEADER_TYPE}"/>'
        types = types.replace("</Types>", override + "</Types>")
        rels = rels.replace("</Relationships>", HEADER_REL + "</Relationships>")
    if fonts:
        rels = rels.replace("</Relationships>", FONT_TABLE_REL + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("word/_rels/document.xml.rels", rels)
        archive.writestr("word/document.xml", document_xml(*body))
        archive.writestr("word/styles.xml", styles or styles_xml())
        if header is not None:
            archive.writestr("word/header1.xml", f'<w:hdr xmlns:w="{W_NS}">{header}</w:hdr>')
        if fonts:
            listed = "".join(f'<w:font w:name="{font}"/>' for font in fonts)
            archive.writestr("word/fontTable.xml", f'<w:fonts xmlns:w="{W_NS}">{listed}</w:fonts>')
    return path


PROPOSAL_TITLE = 'BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH "DÂN VẬN KHÉO" NĂM 2020'
REGISTRATION_TITLE = 'PHIẾU ĐĂNG KÝ MÔ HÌNH "DÂN VẬN KHÉO" NĂM 2020'


def proposal_paragraphs(**values: str) -> list[str]:
    """Body of a proposal in the labelled-paragraph layout, from field values (defaults fill the rest)."""
    v = {**DEFAULT_PROPOSAL, **values}
    return [
        p(PROPOSAL_TITLE),
        p("I. THÔNG TIN CHUNG"),
        p("1. Tên mô hình: ", r(v["model_name"], bold=True)),
        p("2. Đơn vị thực hiện: " + v["unit"]),
        p("3. Cấp công nhận: " + v["level"]),
        p("4. Lĩnh vực: " + v["field"]),
        p("5. Thời gian thực hiện: " + v["period"]),
        p("II. KẾT QUẢ THỰC HIỆN"),
        p("1. Kết quả đạt được:"),
        p(v["results"]),
        p("- Vận động 125 hộ tham gia."),
        p("2. Tự đánh giá, đề nghị xếp loại: " + v["proposed_rating"]),
        p("T/M CHI BỘ"),
        p("BÍ THƯ"),
        p("Nguyễn Văn Bình"),
    ]


DEFAULT_PROPOSAL = {
    "model_name": "“Sổ vàng khởi nghiệp”",
    "unit": "Văn phòng Thành ủy",
    "level": "Cấp thành phố",
    "field": "Kinh tế",
    "period": "Từ tháng 01/2020 đến tháng 12/2020",
    "results": "Hỗ trợ 12 hộ khởi nghiệp, vốn 350 triệu đồng.",
    "proposed_rating": "Tốt",
}
