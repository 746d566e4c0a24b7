"""Test helpers for the archive: a throwaway CA, signing with pyHanko, text and scan-like PDFs, tampering.

Everything is made in memory with EC keys (fast); nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


@dataclass(frozen=True)
class ThrowawayCA:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class Identity:
    """A signer certificate and its key, issued by `ca`."""

    common_name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    ca: ThrowawayCA


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dvk test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject: str, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
    )


def make_ca(common_name: str) -> ThrowawayCA:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(common_name, _name(common_name), key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return ThrowawayCA(common_name, key, cert)


def issue_signer(ca: ThrowawayCA, common_name: str) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(common_name, ca.cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Identity(common_name, key, cert, ca)


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,  # non-repudiation: pyHanko expects it on PDF signers
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(data: bytes, identity: Identity, field_name: str = "ChuKy1", no_changes: bool = False) -> bytes:
    """Sign `data` with pyHanko (PAdES baseline, no timestamp) and return the signed bytes.

    `no_changes`: a certification signature whose DocMDP permission allows no change at all."""
    key_der = identity.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(identity.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(identity.ca.cert)]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason="Ký ban hành")
    if no_changes:
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, reason="Ký ban hành", certify=True, docmdp_permissions=MDPPerm.NO_CHANGES
        )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page text PDF made with pypdf (Helvetica, so ASCII text only)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    text = "".join(f"({_pdf_string(line)}) Tj 0 -16 Td " for line in lines)
    _set_content(writer, page, f"BT /F1 11 Tf 60 780 Td {text}ET".encode("ascii"))
    return _write(writer)


def draft_pdf(docx_path: Path, replace: dict[str, str] | None = None) -> bytes:
    """A text PDF carrying what a printed draft shows: its paragraphs, table cells and footer (the code),
    without diacritics (Helvetica here is ASCII only). `replace` edits the text first (a forged copy)."""
    import docx  # python-docx, as the draft is read back elsewhere in the tests

    document = docx.Document(str(docx_path))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += list(dict.fromkeys(cell.text for cell in row.cells))  # a merged cell repeats
    for section in document.sections:
        lines += [paragraph.text for paragraph in section.footer.paragraphs]
    text = "\n".join(lines)
    for old, new in (replace or {}).items():
        assert old in text, f"{old!r} is not in {docx_path.name}"
        text = text.replace(old, new)
    return text_pdf([ascii_text(line) for line in text.split("\n") if line.strip()])


def ascii_text(text: str) -> str:
    """Vietnamese without its marks ("Quyết định" -> "Quyet dinh"), typographic quotes made plain."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate({0x201C: '"', 0x201D: '"', 0xA0: " "})
    return text.encode("ascii", "replace").decode("ascii")


def scan_pdf() -> bytes:
    """A scan-like PDF: one page holding one grey image, no text layer at all."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    width, height = 60, 80
    pixels = bytes((x * 3 + y) % 256 for y in range(height) for x in range(width))
    image = DecodedStreamObject()
    image.set_data(zlib.compress(pixels))
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(width),
            NameObject("/Height"): NumberObject(height),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/FlateDecode"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
    )
    _set_content(writer, page, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    return _write(writer)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _set_content(writer: PdfWriter, page, content: bytes) -> None:
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def byte_range(data: bytes) -> list[int]:
    """The /ByteRange of the first signature (enough for these single-signature tests)."""
    start = data.index(b"/ByteRange")
    inner = data[data.index(b"[", start) + 1 : data.index(b"]", start)]
    return [int(part) for part in inner.split()]


def change_byte_in_signed_range(data: bytes) -> bytes:
    """Flip one byte of the binary comment on line 2: inside the signed range, harmless to parsers."""
    index = data.index(b"\n%", 0, 64) + 2
    assert index < byte_range(data)[1], "the changed byte must lie inside the signed range"
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def append_incremental_update(data: bytes) -> bytes:
    """Append a revision after signing that adds a line of text to page 1 (what a later edit looks like)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.root["/Pages"].raw_get("/Kids")[0]
    page = page_ref.get_object()
    edit = b"BT /F1 12 Tf 100 100 Td (Sua sau khi ky) Tj ET"
    extra = writer.add_object(generic.StreamObject(stream_data=edit))
    old = page.raw_get("/Contents")
    contents = list(old) if isinstance(old, generic.ArrayObject) else [old]
    page["/Contents"] = generic.ArrayObject([*contents, extra])
    writer.update_container(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_number_field(data: bytes, name: str = "SoVanBan") -> bytes:
    """`data` with an empty text form field on page 1, where the clerk types the number after signing."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    page = writer.pages[0]
    appearance = DecodedStreamObject()
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 200, 20)]),
        }
    )
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (60, 700, 260, 720)]),
            NameObject("/F"): NumberObject(4),
            NameObject("/DA"): TextStringObject("/Helv 11 Tf 0 g"),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
            NameObject("/P"): page.indirect_reference,
        }
    )
    reference = writer._add_object(widget)
    page[NameObject("/Annots")] = ArrayObject([reference])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([reference])}
    )
    return _write(writer)


def fill_field_after_signing(data: bytes, value: str, name: str = "SoVanBan") -> bytes:
    """Append a revision that fills the text field `name` (its value and its appearance): form filling."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for reference in writer.root["/AcroForm"]["/Fields"]:
        form_field = reference.get_object()
        if form_field.get("/T") != name:
            continue
        appearance = generic.StreamObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/XObject"),
                generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                generic.NameObject("/BBox"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (0, 0, 200, 20)]
                ),
            },
            stream_data=b"BT /Helv 11 Tf 2 5 Td (" + value.encode("ascii") + b") Tj ET",
        )
        form_field["/V"] = generic.TextStringObject(value)
        form_field["/AP"] = generic.DictionaryObject(
            {generic.NameObject("/N"): writer.add_object(appearance)}
        )
        writer.update_container(form_field)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def convert_with_soffice(docs: list[Path], out_dir: Path) -> list[Path]:
    """Convert .docx files to PDF with one LibreOffice headless run, in a private profile (other runs
    may be active)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is not installed"
    profile = out_dir / "lo-profile"
    command = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *(str(doc) for doc in docs),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    pdfs = [out_dir / (doc.stem + ".pdf") for doc in docs]
    assert all(pdf.exists() for pdf in pdfs), f"LibreOffice did not produce {pdfs}"
    return pdfs
