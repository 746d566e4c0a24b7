"""The label recognizer: which field(s) a label names, and how sure that is.

Every layout asks the same question through `Recognizer.recognise`: a paragraph "Nhãn: giá trị", a table's
label cell, a heading ("II. KẾT QUẢ THỰC HIỆN"), and a content control's tag, alias or placeholder.

It reasons about the words of a label, not about whole spellings. A label is cut into alternatives at "/",
",", ";", "và", "hoặc" and parentheses ("Tên mô hình/điển hình", "Đơn vị (cá nhân) thực hiện", "Tự đánh giá,
xếp loại"). Each alternative is read left to right, taking at each word the longest phrase the vocabulary
knows: a *head* names a field outright ("tên mô hình", "kết quả", "xếp loại"); a *weak* head names it only
when nothing else in the label names another field ("mô hình", "tập thể"); a *filler* means nothing on its
own ("thực hiện", "đạt được", "dự kiến", "năm 2020"); a *blocker* marks a line that is not a field label
("nơi nhận", "ký tên", "cấp ủy"). The words left unexplained lower the confidence.

The vocabulary below is the only list of label words in the code; `dvk.toml` `[labels]` adds spellings per
field (each becomes a head of that field) without a code change.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from pipeline.vntext import fold

# ---------------------------------------------------------------------------- vocabulary (folded words)

# Heads: phrases that name the field on their own. Vietnamese noun phrases are head-first, so in
# "Kết quả thực hiện nội dung" the field is the first head (results), not the later one.
HEADS: dict[str, tuple[str, ...]] = {
    "model_name": (
        "cach lam hay",
        "ten cong trinh",
        "dien hinh tien tien",
        "ten mo hinh",
        "ten dien hinh",
        "ten goi mo hinh",
        "ten goi",
        "ten cua mo hinh",
        "ten mo hinh dien hinh",
        "mo hinh dang ky",
        "mo hinh de nghi",
        "ten sang kien",
        "ten cach lam hay",
        "ten",
        "tieu de mo hinh",
    ),
    "unit": (
        "don vi",
        "co quan",
        "to chuc",
        "tap the thuc hien",
        "ten tap the",
        "ten don vi",
        "ten co quan",
        "noi cong tac",
        "don vi cong tac",
        "co quan cong tac",
        "don vi chu tri",
        "to chuc thuc hien mo hinh",
    ),
    "person_name": (
        "ten toi la",
        "toi ten la",
        "toi ten",
        "ca nhan de nghi",
        "ho va ten",
        "ho ten",
        "ten ca nhan",
        "ca nhan thuc hien",
        "nguoi thuc hien",
        "tac gia",
        "ho ten nguoi thuc hien",
        "chu nhan mo hinh",
        "ten nguoi",
        "ho va ten nguoi",
    ),
    "person_position": ("chuc vu", "chuc danh", "cuong vi", "nghe nghiep", "vi tri cong tac"),
    "level": (
        "cap",
        "cap cong nhan",
        "cap de nghi",
        "cap mo hinh",
        "pham vi cong nhan",
        "cap xet cong nhan",
        "cap quan ly",
        "de nghi cong nhan cap",
        "cap dang ky",
    ),
    "model_type": ("the loai", "loai mo hinh", "loai hinh", "hinh thuc", "phan loai", "loai"),
    "field": ("linh vuc", "nganh linh vuc", "thuoc linh vuc", "nhom linh vuc"),
    "year": ("nam",),
    "period": ("thoi gian", "thoi diem", "thoi han", "tu ngay", "tu thang", "khoang thoi gian"),
    "place": ("dia ban", "dia diem", "noi thuc hien", "pham vi dia ban", "dia phuong", "pham vi thuc hien"),
    "target_group": ("doi tuong",),
    "content": (
        "nhung viec da lam",
        "viec da lam",
        "cac hoat dong",
        "noi dung",
        "cach thuc",
        "cach lam",
        "giai phap",
        "bien phap",
        "phuong phap",
        "phuong thuc",
        "qua trinh",
        "mo ta",
        "to chuc thuc hien",
        "trien khai",
        "cac buoc",
    ),
    "forces": ("luc luong", "thanh phan tham gia", "nguoi tham gia", "nhan luc"),
    "resources": ("nguon luc", "kinh phi", "nguon kinh phi", "von", "nguon von", "vat chat"),
    "results": (
        "muc tieu",
        "chi tieu",
        "ket qua",
        "san pham",
        "hieu qua",
        "thanh qua",
        "thanh tich",
        "ket qua dau ra",
        "so lieu",
    ),
    "replicability": (
        "nhan rong",
        "lan toa",
        "duy tri",
        "ben vung",
        "kha nang ap dung",
        "tinh ben vung",
        "kha nang nhan rong",
        "kha nang duy tri",
        "tinh lan toa",
        "kha nang lan toa",
        "tinh kha thi",
        "kha nang trien khai",
    ),
    "proposed_rating": (
        "cong nhan loai",
        "ket qua tu cham",
        "ket qua tu cham diem",
        "tu cham diem",
        "ket qua xep loai",
        "ket qua danh gia",
        "dat loai",
        "don vi tu danh gia",
        "tap the tu danh gia",
        "ca nhan tu danh gia",
        "don vi de nghi xep loai",
        "don vi tu xep loai",
        "xep loai",
        "tu danh gia",
        "tu cham",
        "muc do",
        "de xuat xep loai",
        "danh gia xep loai",
        "tu xep loai",
        "muc xep loai",
        "de nghi xep loai",
        "ket qua tu danh gia",
        "tu nhan xet",
        "muc dat",
    ),
    "signer": ("nguoi ky", "thu truong", "nguoi bao cao", "nguoi dang ky", "nguoi lap", "nguoi de nghi"),
}
# Weak heads: name the field only when no head of another field is in the label ("Mô hình" alone is the
# model's name; in "Cấp mô hình" it is a filler).
WEAK: dict[str, tuple[str, ...]] = {
    "model_name": ("mo hinh", "dien hinh", "mo hinh dan van kheo", "dan van kheo"),
    "unit": ("tap the", "chi bo", "dang bo", "dang uy"),
    "place": ("pham vi",),
    "person_name": ("ca nhan",),
    "proposed_rating": ("danh gia", "de nghi"),
    "results": ("dat duoc",),
    "content": ("thuc hien",),
}
# Words a label may carry without changing what it names.
FILLERS = (
    "thuc hien",
    "dat duoc",
    "cua",
    "cac",
    "nhung",
    "chinh",
    "cu the",
    "du kien",
    "de nghi",
    "cong nhan",
    "dang ky",
    "mo hinh",
    "dien hinh",
    "dan van kheo",
    "trong",
    "da",
    "duoc",
    "ve",
    "tom tat",
    "chi tiet",
    "ghi ro",
    "neu co",
    "bat buoc",
    "so",
    "tham gia",
    "tac dong",
    "huong den",
    "van dong",
    "thu huong",
    "ap dung",
    "dau ra",
    "ban dau",
    "buoc dau",
    "noi bat",
    "kha nang",
    "chu yeu",
    "co ban",
    "dat",
    "xay dung",
    "trien khai",
    "tai",
    "o",
    "theo",
    "la",
    "gi",
    "nao",
    "de",
    "cho",
    "cach",
    "hay",
    "nay",
    "moi",
    "cong tac",
    "mo hinh dan van kheo",
    "tieu bieu",
    "phong trao",
    "thi dua",
    "dong chi",
    "ong ba",
    "ong",
    "ba",
    "anh chi",
    "nam nay",
    "bang",
    "phan",
    "muc",
    "huy dong",
    "tham dinh",
    "kinh te",
    "xa hoi",
    "mong doi",
    "phan dau",
    "can dat",
    "nong cot",
    "do",
    "muon",
    "chinh",
    "mang lai",
    "xet",
    "nganh",
    "tren",
    "hoat dong",
    "bat dau",
    "ket thuc",
    "phat dong",
    "kieu",
    "su dung",
    "tong",
    "tong hop",
    "ban than",
    "hien nay",
    "hien tai",
)
# A line holding one of these is not a field label (closing block, approvals, instructions to the unit).
BLOCKERS = (
    # A person's birth date, a body's founding or a member's admission: never the campaign's year.
    "nam sinh",
    "sinh nam",
    "ngay sinh",
    "sinh ngay",
    "thanh lap",
    "vao dang",
    "noi nhan",
    "xac nhan",
    "ky ten",
    "ky ghi ro",
    "ky va ghi ro",
    "cap uy",
    "dong dau",
    "ngay thang",
    "t m",
    "k t",
    "tm",
    "kt",
    "can cu",
    "kinh gui",
    "trich yeu",
)
# Words that start instructions in a content control's placeholder ("Nhập tên mô hình").
PROMPT_WORDS = ("nhap", "go", "ghi", "dien", "chon", "bam", "click", "enter", "type", "vao day", "tai day")
# Fields that one label may name together: narrative ones ("Địa bàn, đối tượng"; "Lực lượng, nguồn lực"),
# and a person's position with the unit ("Chức vụ, đơn vị công tác").
NARRATIVE = frozenset(
    {"content", "forces", "resources", "results", "replicability", "place", "target_group", "period"}
)
WHO = frozenset({"unit", "person_name"})
PEOPLE = frozenset({"unit", "person_name", "person_position"})

SEPARATORS = re.compile(r"\s*(?:/|,|;|\s[-–—]\s)\s*")
# Words joining alternatives unless inside a known phrase ("Nội dung và cách làm", but "Họ và tên").
FAMILY_AND_GIVEN = re.compile(r"\bh[oọ]\s*[,/]\s*t[eê]n\b", re.IGNORECASE)
CONJUNCTIONS = frozenset({"va", "hoac", "hay", "cung", "voi"})
NUMBERING = re.compile(r"^\s*(?:[ivxlc]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/:-]\s+|^\s*[-+*•–—]\s*", re.IGNORECASE)
YEAR_WORDS = re.compile(r"\b(?:nam\s+)?(?:19|20)\d{2}\b")
MAX_WORDS = 14  # a longer text is a sentence, not a label


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """What a label names. `fields` in the order the label gives them, each with its confidence (0–1).

    role: "one" (a single field); "several" (narrative fields named together, "Địa bàn, đối tượng": each gets
    the value); "split" (a person's name, position and unit named together, "Chức vụ, đơn vị công tác": the
    value is cut at its commas in the label's order); "who" (a unit or a person, "Tập thể/cá nhân thực hiện":
    the value decides, and a value such as "Tập thể" is the model's type); "ambiguous" (two fields that do
    not go together: the record says so instead of guessing).
    """

    fields: tuple[tuple[str, float], ...]
    role: str
    unexplained: tuple[str, ...]  # words of the label's main text the vocabulary does not know
    strong: bool  # named by a head, not only by weak words
    lead: bool = False  # the label starts with what it names (needed of a line without a colon)
    keys: tuple[str, ...] = field(init=False)  # the fields' keys, asked for on every line

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(key for key, _ in self.fields))

    @property
    def confidence(self) -> float:
        return max((score for _, score in self.fields), default=0.0)


NO_MATCH = LabelMatch((), "none", (), False, False)


@dataclass(frozen=True, slots=True)
class _Segment:
    strong: tuple[str, ...]  # the first head only: later heads qualify it ("Thời gian triển khai")
    weak: tuple[str, ...]
    words: int
    unexplained: tuple[str, ...]
    blocked: bool
    main: bool  # outside parentheses: its unexplained words count against the label
    lead: bool | None  # its first meaningful words name a field (None: only fillers); a sentence need not


class Recognizer:
    """The vocabulary above plus a configuration's `[labels]`, compiled into one phrase table."""

    def __init__(self, extra: dict[str, tuple[str, ...]] | None = None) -> None:
        self.phrases: dict[tuple[str, ...], tuple[str, str]] = {}  # words -> (kind, field)
        for word in FILLERS:
            self._add(word, "filler", "")
        for key, spellings in WEAK.items():
            for spelling in spellings:
                self._add(spelling, "weak", key)
        for key, spellings in HEADS.items():
            for spelling in spellings:
                self._add(spelling, "head", key)
        for key, spellings in (extra or {}).items():
            for spelling in spellings:
                self._add(clean_label(spelling), "head", key)
        for word in BLOCKERS:
            self._add(word, "block", "")
        self.longest = max(len(words) for words in self.phrases)
        self._cache: dict[str, LabelMatch] = {}

    def _add(self, spelling: str, kind: str, key: str) -> None:
        words = tuple(spelling.split())
        if words:
            self.phrases[words] = (kind, key)

    def recognise(self, label: str) -> LabelMatch:
        """What `label` names (the text before a colon, a whole cell or heading, a control's tag)."""
        found = self._cache.get(label)
        if found is None:
            found = self._cache[label] = self._recognise(label)
            if len(self._cache) > 20_000:  # a campaign's forms share a few hundred labels
                self._cache.clear()
        return found

    def _recognise(self, label: str) -> LabelMatch:
        segments = [self._segment(text, main) for text, main in alternatives(label)]
        if not segments or any(segment.blocked for segment in segments):
            return NO_MATCH
        unexplained = tuple(word for s in segments if s.main for word in s.unexplained)
        if sum(s.words for s in segments if s.main) > MAX_WORDS:
            return NO_MATCH
        strong = ordered(key for s in segments for key in s.strong)
        weak = ordered(key for s in segments for key in s.weak)
        if len(weak) > 1:  # "Mô hình tập thể hay cá nhân": "mô hình" is a filler beside other weak words
            weak = tuple(key for key in weak if key != "model_name")
        named = strong or weak
        if not named:
            return NO_MATCH
        base = 1.0 if strong else 0.75
        score = max(0.0, base - 0.2 * len(unexplained))
        role, keys = combine(named, weak)
        scores = tuple((key, score if role != "ambiguous" else score / 2) for key in keys)
        lead = next((s.lead for s in segments if s.main and s.lead is not None), False)
        return LabelMatch(scores, role, unexplained, bool(strong), lead)

    def _segment(self, text: str, main: bool) -> _Segment:
        words = clean_label(text).split()
        strong: list[str] = []
        weak: list[str] = []
        unexplained: list[str] = []
        blocked = False
        head_here = False  # this part (up to a conjunction) has its head already
        lead = None
        at = 0
        while at < len(words):
            for size in range(min(self.longest, len(words) - at), 0, -1):
                entry = self.phrases.get(tuple(words[at : at + size]))
                if entry:
                    kind, key = entry
                    blocked |= kind == "block"
                    if kind == "head" and not head_here:
                        strong.append(key)
                        head_here = True
                    elif kind == "weak":
                        weak.append(key)
                    if lead is None and kind in ("head", "weak"):
                        lead = True
                    at += size
                    break
            else:
                if words[at] in CONJUNCTIONS:
                    head_here = False
                else:
                    unexplained.append(words[at])
                    lead = False if lead is None else lead
                at += 1
        return _Segment(tuple(strong), tuple(weak), len(words), tuple(unexplained), blocked, main, lead)

    def recognise_control(self, tag: str, alias: str, placeholder: str) -> LabelMatch:
        """A content control's label evidence: its tag, then its alias (title), then its placeholder."""
        for text in (control_words(tag), control_words(alias), prompt_label(placeholder)):
            if text:
                found = self.recognise(text)
                # One unknown word is a tag's prefix or suffix ("txtDonVi", "TenMoHinh1"); a control is
                # named on purpose, so weak words count too ("danh gia", "Mô hình").
                if found.fields and found.role != "ambiguous" and len(found.unexplained) <= 1:
                    return found
        return NO_MATCH


def combine(named: tuple[str, ...], weak: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The role of a label naming `named` (heads, or weak words when it has no head), in label order."""
    if WHO <= set(named) | set(weak) and set(named) <= WHO:
        return "who", ordered(key for key in (*named, *weak) if key in WHO)
    if len(named) == 1:
        return "one", named
    fields = set(named)
    if fields <= PEOPLE:
        return "split", named
    if fields <= NARRATIVE:
        return "several", named
    return "ambiguous", named


def alternatives(label: str) -> list[tuple[str, bool]]:
    """The label's alternatives, each with whether it stands outside parentheses.

    Words shared by alternatives are not copied ("Đơn vị/cá nhân thực hiện" gives "Đơn vị" and "cá nhân thực
    hiện"): fillers such as "thực hiện" carry no meaning, so nothing is lost."""
    text = NUMBERING.sub("", label.strip(), count=1)
    text = FAMILY_AND_GIVEN.sub("họ tên", text)  # "Họ, tên" is one thing, not two
    parts: list[tuple[str, bool]] = []
    depth = 0
    for piece in re.split(r"([()\[\]])", text):
        if piece in "([":
            depth += 1
        elif piece in ")]":
            depth = max(depth - 1, 0)
        else:
            parts.extend((part, depth == 0) for part in SEPARATORS.split(piece) if part and part.strip())
    return parts


@functools.lru_cache(maxsize=8192)
def clean_label(text: str) -> str:
    """Folded words of a label, without numbering and a year ("năm 2020" qualifies any label)."""
    folded = fold(NUMBERING.sub("", text, count=1))
    return " ".join(YEAR_WORDS.sub(" ", folded).split())


def control_words(tag: str) -> str:
    """A control's tag as words: "ten_mo_hinh", "KetQua", "txtDonVi" -> "ten mo hinh", "Ket Qua", …"""
    text = re.sub(r"[_.\-]+", " ", tag or "")
    spaced = "".join(
        f" {char}" if char.isupper() and at and text[at - 1].islower() else char
        for at, char in enumerate(text)
    )
    return " ".join(spaced.split())


def prompt_label(placeholder: str) -> str:
    """The label inside a placeholder prompt: "Nhập tên mô hình vào đây" -> "tên mô hình"."""
    words = fold(placeholder or "").split()
    while words and words[0] in PROMPT_WORDS:
        words = words[1:]
    text = " ".join(words)
    for tail in (" vao day", " tai day", " here", " o day"):
        text = text.removesuffix(tail)
    return text if len(words) <= 8 else ""


def ordered(keys) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


@functools.lru_cache(maxsize=16)
def recognizer_for(extra: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> Recognizer:
    """One compiled recognizer per `[labels]` configuration (hashable form: sorted field -> spellings)."""
    return Recognizer(dict(extra))
