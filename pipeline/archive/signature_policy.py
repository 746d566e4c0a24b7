"""Which signed PDFs the archive files and numbers, and why it refuses the others.

A văn thư never issues a document whose signature does not hold, and never gives it a number. So:

- `trusted`: filed and numbered.
- `tampered` (the signed bytes changed): refused, always; the file is kept in quarantine with an event.
- `modified-after-signing`: refused. Changes the signature itself permits (pyHanko's modification
  analysis: form filling, further signatures, validation data within the signature's DocMDP level)
  do not reach this status; `pipeline.archive` files them as trusted or untrusted with a note.
- `untrusted` (intact, but the certificate does not chain to `trust-roots/`): refused with the way to
  add the root, or filed when the clerk gives a reason (Need.UNTRUSTED_REASON, kept in the log).
- `unsigned` (a text PDF) and `scan`: filed only with a clerk's reason (Need.UNSIGNED_REASON).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import Need

SIGNATURE_STATUSES = ("trusted", "untrusted", "tampered", "modified-after-signing", "scan", "unsigned")
SIGNATURE_LABELS = {
    "trusted": "chữ ký số hợp lệ, người ký được tin cậy",
    "untrusted": "chữ ký số nguyên vẹn nhưng chứng thư người ký không thuộc chứng thư gốc tin cậy",
    "tampered": "chữ ký số KHÔNG hợp lệ: phần được ký đã bị sửa",
    "modified-after-signing": "chữ ký số nguyên vẹn nhưng tệp có thay đổi được thêm vào sau khi ký",
    "scan": "bản quét (không có lớp chữ, không có chữ ký số)",
    "unsigned": "tệp PDF có chữ nhưng không có chữ ký số",
}
TRUST_ROOTS = "trust-roots"


@dataclass(frozen=True)
class Acceptance:
    """The clerk's explicit reasons to file what the policy refuses by default."""

    untrusted: str | None = None
    unsigned: str | None = None  # covers scans and text PDFs without a digital signature

    def reason_for(self, status: str) -> str | None:
        if status == "untrusted":
            return self.untrusted
        if status in ("unsigned", "scan"):
            return self.unsigned
        return None


@dataclass(frozen=True)
class Refusal:
    status: str  # the signature status that was refused
    message: str  # Vietnamese, says what to do
    quarantine: bool  # the file is kept in outputs/archive/quarantine/ (tampered only)
    needs: tuple[Need, ...] = ()  # what the clerk can give to have it filed all the same


def judge(name: str, status: str, signer: str, issuer: str, acceptance: Acceptance) -> Refusal | None:
    """None when the file may be filed; otherwise why not, and what the clerk can do."""
    if status == "trusted":
        return None
    if status == "tampered":
        return Refusal(status, _tampered(name), quarantine=True)
    if status == "modified-after-signing":
        return Refusal(status, _modified(name), quarantine=False)
    if acceptance.reason_for(status):
        return None
    if status == "untrusted":
        return Refusal(status, _untrusted(name, signer, issuer), False, (Need.UNTRUSTED_REASON,))
    scan = (Need.NUMBER, Need.DATE) if status == "scan" else ()
    return Refusal(status, _unsigned(name, status), False, (Need.UNSIGNED_REASON, *scan))


def _tampered(name: str) -> str:
    return (
        f"Từ chối lưu trữ {name}: chữ ký số KHÔNG hợp lệ, nội dung được ký đã bị sửa sau khi ký. "
        "Văn bản không được cấp số; tệp được giữ riêng trong outputs/archive/quarantine/ để đối chiếu. "
        "Đề nghị người ký ký lại bản gốc."
    )


def _modified(name: str) -> str:
    return (
        f"Từ chối lưu trữ {name}: tệp có thay đổi được thêm vào sau khi ký mà chữ ký số không cho phép "
        "(sửa nội dung trang, thêm chữ hay hình). Hãy lưu trữ đúng tệp người ký gửi, chưa mở sửa, "
        "hoặc đề nghị ký lại."
    )


def _untrusted(name: str, signer: str, issuer: str) -> str:
    who = f" của {signer}" if signer else ""
    by = f" do {issuer} cấp" if issuer else ""
    return (
        f"Từ chối lưu trữ {name}: chữ ký số{who} nguyên vẹn nhưng chứng thư{by} không thuộc các chứng thư "
        f"gốc tin cậy. Nếu đây là tổ chức chứng thực hợp lệ, chép chứng thư gốc của tổ chức đó (tệp .pem, "
        f".crt hoặc .cer) vào thư mục {TRUST_ROOTS}/ của thư mục làm việc rồi chạy lại; hoặc nhận lưu trữ "
        "có ghi lý do."
    )


def _unsigned(name: str, status: str) -> str:
    what = "là bản quét, không có chữ ký số" if status == "scan" else "không có chữ ký số"
    scan = " (bản quét cần ghi thêm số và ngày văn bản)" if status == "scan" else ""
    return (
        f"Từ chối lưu trữ {name}: tệp {what}. Chỉ lưu trữ khi văn thư xác nhận và ghi lý do, ví dụ "
        f"“Bản giấy ký tay, đã đối chiếu bản gốc”{scan}."
    )
