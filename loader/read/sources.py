"""The source archive: the texts notes quote, and where in them each quote is.

A note names its archived text by its source ``identifier`` (a file name in the archive
folder, see :meth:`loader.project.Project.sources`). :func:`prove_note` checks that every
``evidence`` quote of the note occurs in that text — whitespace runs count as one space,
nothing else is forgiven (curly quotes and dashes are part of a quote) — and says where:
character offsets into the text, ready for W3C Web Annotation selectors.

The cost stays linear in the size of the texts and quotes: each text is normalised once,
with a map from normalised to original offsets, and in a long text a word index (word →
positions) finds the candidate places for a quote instead of a scan per quote (a short text
is scanned at C speed, which costs less than indexing it). The "did you mean" hint compares
the quote only with the few windows the index votes for, never with every window.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from loader.problems import Problem, Severity
from loader.project import SourcesSetting
from loader.read.notes import Note, Scalar

#: The note keys this module reads (the local names of tkg:evidence and dcterms:identifier).
EVIDENCE_KEY = "evidence"
IDENTIFIER_KEY = "identifier"
#: Characters of context kept before and after a quote (oa:prefix, oa:suffix).
CONTEXT = 32

_SPACE = re.compile(r"\s+")
#: A whitespace run that is not exactly one plain space (it shifts offsets when normalised).
_IRREGULAR_SPACE = re.compile(r"[^\S ]\s*| \s+")
#: Texts up to this many characters are scanned per quote; longer ones use the word index.
_SCAN_LIMIT = 50_000
_WORD = re.compile(r"\w+")
_BOM = b"\xef\xbb\xbf"
#: Words more frequent than this in one text do not vote for a quote's place.
_COMMON = 200
#: How many candidate places the closest-passage hint compares in full.
_CANDIDATES = 8
#: Typographic characters a writer often types as their plain forms.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class SourceTextError(Exception):
    """An archived text that cannot be read as UTF-8; the message says why and how to fix."""


@dataclass(frozen=True, slots=True)
class Span:
    """Where a quote is in the archived text: ``text[start:end]``, in Unicode code points."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class ArchivedFile:
    """The archived text a note names, as found (or not) when the note was checked."""

    identifier: str
    path: str
    #: sha256 of the file's bytes; None when the archive holds no such file
    digest: str | None
    #: (size, mtime_ns) when it was hashed: an unchanged stat means an unchanged digest
    stat: tuple[int, int] | None = None


@dataclass
class NoteEvidence:
    """What proving one note's quotes found: where each quote is, and the text it was in."""

    archived: ArchivedFile | None
    #: (line, column) of an evidence value in the note → where the quote is in the text
    spans: dict[tuple[int, int], Span] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class SourceText:
    """One archived text, normalised once; indexed by word when it is long."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normal = _SPACE.sub(" ", text)
        # Normalised → original offsets: only whitespace runs other than one plain space
        # shift them, so the map keeps one breakpoint per such run (bisect to look up).
        self._starts = [0]
        self._shifts = [0]
        shift = 0
        for match in _IRREGULAR_SPACE.finditer(text):
            position = match.start() - shift
            shift += match.end() - match.start() - 1
            self._starts.append(position + 1)
            self._shifts.append(shift)
        self._words: dict[str, list[int]] | None = None

    def original(self, position: int) -> int:
        """The offset in the original text of a position in the normalised one."""
        return position + self._shifts[bisect.bisect_right(self._starts, position) - 1]

    @property
    def words(self) -> dict[str, list[int]]:
        """Word (lower case) → its positions in the normalised text; built on first use."""
        if self._words is None:
            self._words = {}
            for match in _WORD.finditer(self.normal):
                self._words.setdefault(match.group().lower(), []).append(match.start())
        return self._words

    @classmethod
    def from_bytes(cls, data: bytes, *, name: str) -> SourceText:
        """Decode UTF-8 (with or without a byte-order mark); refuse anything else.

        Raises:
            SourceTextError: the bytes are UTF-16/32 or not valid UTF-8.
        """
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise SourceTextError(
                f"the archived text {name} is UTF-16 or UTF-32, not UTF-8; "
                f"convert it, e.g. iconv -f UTF-16 -t UTF-8"
            )
        if data.startswith(_BOM):
            data = data[len(_BOM) :]
        try:
            return cls(data.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise SourceTextError(
                f"the archived text {name} is not UTF-8 (byte 0x{data[error.start]:02x} at "
                f"offset {error.start}); convert it to UTF-8, e.g. "
                f"iconv -f WINDOWS-1252 -t UTF-8 (name its real encoding)"
            ) from error

    def find(self, quote: str) -> Span | None:
        """The first place the (whitespace-normalised) quote occurs, or None."""
        wanted = normalise(quote)
        if not wanted:
            return None
        at = self._locate(wanted)
        if at < 0:
            return None
        start = self.original(at)
        end = self.original(at + len(wanted) - 1) + 1
        return Span(
            start=start,
            end=end,
            exact=self.text[start:end],
            prefix=self.text[max(0, start - CONTEXT) : start],
            suffix=self.text[end : end + CONTEXT],
        )

    def _locate(self, wanted: str) -> int:
        """Offset of ``wanted`` in the normalised text, through the word index when it can.

        In a short text one scan at C speed costs less than building the index, and is
        bounded by :data:`_SCAN_LIMIT` characters per quote; a long text is indexed once.
        """
        if len(self.normal) <= _SCAN_LIMIT:
            return self.normal.find(wanted)
        words = list(_WORD.finditer(wanted))
        # The first and last words of a quote may be cut (a quote can start mid-word), so
        # only inner words, which are whole, can be looked up in the index.
        inner = [w for w in words[1:-1] if w.start() > 0 and w.end() < len(wanted)]
        if not inner:
            return self.normal.find(wanted)
        anchor = min(inner, key=lambda w: len(self.words.get(w.group().lower(), ())))
        for position in self.words.get(anchor.group().lower(), ()):
            start = position - anchor.start()
            if start >= 0 and self.normal.startswith(wanted, start):
                return start
        return -1

    def closest(self, quote: str) -> str | None:
        """The passage most like the quote, from the places its words vote for; None if none."""
        wanted = normalise(quote)
        votes: Counter[int] = Counter()
        for word in _WORD.finditer(wanted):
            positions = self.words.get(word.group().lower(), ())
            if len(positions) > _COMMON:
                continue
            for position in positions:
                votes[max(0, position - word.start())] += 1
        if not votes:
            return None
        best: tuple[float, str] | None = None
        for start, _ in votes.most_common(_CANDIDATES):
            window = self._window(start, len(wanted))
            score = difflib.SequenceMatcher(None, wanted, window, autojunk=False).ratio()
            if best is None or score > best[0]:
                best = (score, window)
        return best[1] if best else None

    def _window(self, start: int, length: int) -> str:
        """About ``length`` characters from ``start``, widened to whole words."""
        text = self.normal
        begin = start
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        end = min(len(text), start + length)
        while end < len(text) and not text[end].isspace():
            end += 1
        return text[begin:end].strip()


def normalise(text: str) -> str:
    """Whitespace runs → one space, ends trimmed; nothing else changes."""
    return _SPACE.sub(" ", text).strip()


#: An archive file as read: what it is, and its text (None: the archive holds no such file;
#: the error: it is not UTF-8). Several notes may quote one text: it is read once a build.
ReadText = tuple[ArchivedFile, SourceText | SourceTextError | None]


def _read_archived(name: str, setting: SourcesSetting) -> ReadText:
    """The archive file ``name`` and its text (read once: hashed, then decoded)."""
    path = setting.path / name
    try:
        status = path.stat()
        data = path.read_bytes()
    except OSError:
        return ArchivedFile(name, str(path), None), None
    digest = hashlib.sha256(data).hexdigest()
    archived = ArchivedFile(name, str(path), digest, (status.st_size, status.st_mtime_ns))
    try:
        return archived, SourceText.from_bytes(data, name=name)
    except SourceTextError as error:
        return archived, error


def prove_note(
    note: Note, setting: SourcesSetting, texts: dict[str, ReadText] | None = None
) -> NoteEvidence:
    """Check every evidence quote of ``note`` against its archived source text.

    A note whose text is not archived gets one warning (not one per quote); a quote that is
    not in the text is an error at its line, with the closest passage as the hint.
    ``texts`` keeps the texts already read, by name (several notes may quote one source).
    """
    identifier = _identifier(note)
    quotes = _quotes(note)
    if identifier is None or not _plain_name(identifier.text.strip()):
        where = identifier or note.source
        return NoteEvidence(
            archived=None,
            problems=[
                Problem(
                    code="source-text-missing",
                    message="the source names no archived text (its 'identifier' is not "
                    "a file name), so its quotes are not checked",
                    file=note.file,
                    line=where.line if where else None,
                    severity=Severity.WARNING,
                    hint="give the source an 'identifier' naming its text file in the archive",
                )
            ]
            if quotes
            else [],
        )
    name = identifier.text.strip()
    found = texts.get(name) if texts is not None else None
    if found is None:
        found = _read_archived(name, setting)
        if texts is not None:
            texts[name] = found
    archived, source = found
    if source is None:
        return NoteEvidence(
            archived=archived,
            problems=[
                Problem(
                    code="source-text-missing",
                    message=f"the source text '{archived.identifier}' is not in the archive "
                    f"({setting.shown}, from {setting.origin}), so this note's "
                    f"{len(quotes)} quote(s) are not checked",
                    file=note.file,
                    line=identifier.line,
                    severity=Severity.WARNING,
                    hint="put the text in that folder, or point TRADEKG_SOURCES (or "
                    "[tool.tradekg] sources in pyproject.toml) at the folder that holds it",
                )
            ]
            if quotes
            else [],
        )
    if isinstance(source, SourceTextError):
        return NoteEvidence(
            archived=archived,
            problems=[
                Problem(
                    code="source-text-unreadable",
                    message=str(source),
                    file=note.file,
                    line=identifier.line,
                    hint="archived texts are plain UTF-8 files (a byte-order mark is fine)",
                )
            ],
        )
    result = NoteEvidence(archived=archived)
    for quote in quotes:
        span = source.find(quote.text)
        if span is not None:
            result.spans[(quote.line, quote.column)] = span
        else:
            result.problems.append(_not_found(note, quote, source, archived.identifier))
    return result


def _not_found(note: Note, quote: Scalar, source: SourceText, name: str) -> Problem:
    if not normalise(quote.text):
        return Problem(
            code="empty-quote",
            message="the evidence quote is empty",
            file=note.file,
            line=quote.line,
            column=quote.column,
            hint="copy the words of the source that support the statement",
        )
    passage = source.closest(quote.text)
    if passage is None:
        hint = f"no passage of {name} shares a word with the quote; is it the right source?"
    else:
        hint = f'did you mean: "{_shorten(passage)}"'
        if normalise(quote.text).translate(_PLAIN) in source.normal.translate(_PLAIN):
            hint += " (the quotation marks or dashes differ: copy them as the source has them)"
    return Problem(
        code="quote-not-in-source",
        message=f"the evidence quote is not in the source text {name}",
        file=note.file,
        line=quote.line,
        column=quote.column,
        value=quote.text,
        hint=hint,
    )


def _shorten(passage: str, limit: int = 400) -> str:
    if len(passage) <= limit:
        return passage
    half = limit // 2
    return passage[:half].rstrip() + " … " + passage[-half:].lstrip()


def _identifier(note: Note) -> Scalar | None:
    item = note.source.get(IDENTIFIER_KEY) if note.source is not None else None
    return item.values[0] if item is not None and len(item.values) == 1 else None


def _plain_name(name: str) -> bool:
    """A file name in the archive folder: no folders, no way out of it."""
    return bool(name) and name not in {".", ".."} and "/" not in name and "\\" not in name


def _quotes(note: Note) -> list[Scalar]:
    found: list[Scalar] = []
    blocks = [note.source, *note.statements] if note.source is not None else note.statements
    for statement in blocks:
        for item in statement.fields:
            if item.key == EVIDENCE_KEY:
                found.extend(item.values)
    return found
