"""A small SPARQL 1.1 *lexer* that knows just enough structure to bind parameters safely.

We need three facts about a query without a full parser (and without importing rdflib,
which costs ~0.5 s of start-up): its form (SELECT, ASK, CONSTRUCT, DESCRIBE or an update),
where the grlc/BASIL parameter variables (``?_name…``) occur, and which ``{`` open *group
graph patterns* (as opposed to a CONSTRUCT template or a VALUES data block), so that a
``VALUES`` block can be placed at the start of a group. Strings, IRIs and comments are
skipped exactly as the SPARQL grammar delimits them, so a ``?_x`` or a ``{`` inside a string
literal or a comment is never mistaken for syntax.

The lexer is deliberately forgiving: a query it cannot fully make sense of is still handed to
the engine, whose parser reports the syntax error with a line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

#: SPARQL IRIREF (grammar rule 139): anything but these characters between ``<`` and ``>``.
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
#: VARNAME (rule 166), approximated with ``\w`` plus the extra combining characters it allows.
_VAR = re.compile(r"[?$]([\w\u00B7\u0300-\u036F\u203F\u2040]+)")
#: A bare word: keywords, prefixed names, blank node labels, numbers, ``a``.
_WORD = re.compile(r"(?:[^\s{}()\[\]<>\"'#?$,;]|\\.)+")

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


class TokenKind(Enum):
    IRI = "iri"
    STRING = "string"
    VAR = "var"
    LBRACE = "{"
    RBRACE = "}"
    WORD = "word"
    PUNCT = "punct"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    start: int  # character offset in the query text
    line: int  # 1-based


class ScanError(ValueError):
    """The text is not lexically SPARQL (an unterminated string or IRI); carries the line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def tokens(text: str) -> list[Token]:
    """Split ``text`` into tokens, skipping whitespace and ``#`` comments.

    Raises:
        ScanError: a string literal is not terminated.
    """
    out: list[Token] = []
    pos = 0
    line = 1
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\n":
            line += 1
            pos += 1
        elif ch.isspace():
            pos += 1
        elif ch == "#":
            end = text.find("\n", pos)
            pos = n if end < 0 else end
        elif ch == "<":
            match = _IRIREF.match(text, pos)
            if match:
                out.append(Token(TokenKind.IRI, match.group(), pos, line))
                pos = match.end()
            else:
                out.append(Token(TokenKind.PUNCT, ch, pos, line))
                pos += 1
        elif ch in "\"'":
            end = _string_end(text, pos, line)
            literal = text[pos:end]
            out.append(Token(TokenKind.STRING, literal, pos, line))
            line += literal.count("\n")
            pos = end
        elif ch in "?$":
            match = _VAR.match(text, pos)
            if match:
                out.append(Token(TokenKind.VAR, match.group(1), pos, line))
                pos = match.end()
            else:  # a property path modifier
                out.append(Token(TokenKind.PUNCT, ch, pos, line))
                pos += 1
        elif ch == "{":
            out.append(Token(TokenKind.LBRACE, ch, pos, line))
            pos += 1
        elif ch == "}":
            out.append(Token(TokenKind.RBRACE, ch, pos, line))
            pos += 1
        else:
            match = _WORD.match(text, pos)
            if match:
                out.append(Token(TokenKind.WORD, match.group(), pos, line))
                pos = match.end()
            else:
                out.append(Token(TokenKind.PUNCT, ch, pos, line))
                pos += 1
    return out


def _string_end(text: str, pos: int, line: int) -> int:
    """The offset just after the string literal starting at ``pos`` (short or long form)."""
    quote = text[pos]
    long_quote = quote * 3
    if text.startswith(long_quote, pos):
        i = pos + 3
        while i < len(text):
            if text[i] == "\\":
                i += 2
            elif text.startswith(long_quote, i):
                # """a"""" ends at the last three quotes of a run
                while text.startswith(long_quote, i + 1):
                    i += 1
                return i + 3
            else:
                i += 1
        raise ScanError("unterminated long string literal", line)
    i = pos + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        elif text[i] in "\r\n":
            break
        else:
            i += 1
    raise ScanError("unterminated string literal", line)


@dataclass
class Group:
    """One ``{`` that opens a group graph pattern, and the parameters used inside it."""

    offset: int  # offset of the ``{``
    line: int
    params: set[str] = field(default_factory=set)


@dataclass
class Structure:
    """What the binder needs to know about a query."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or an update keyword; None if unknown
    form_line: int
    outer_group: Group | None  # the query's WHERE group
    groups: list[Group]  # every group graph pattern, outermost first
    param_lines: dict[str, int]  # parameter variable name → first line where it occurs
    short_construct: bool = False  # CONSTRUCT WHERE { triples }: no VALUES allowed inside


@dataclass
class _Open:
    kind: str  # "group", "template", "data", "subselect"
    group: Group | None = None
    subselect_where: Group | None = None
    pending: set[str] = field(default_factory=set)


def structure(text: str, *, prefix: str = "_") -> Structure:
    """Find the form, the groups and where each parameter (variable starting with ``prefix``) is.

    Each parameter is recorded in every group that encloses one of its occurrences; an
    occurrence outside any group (the SELECT clause, ORDER BY, a CONSTRUCT template) counts
    for the outer WHERE group; one in a sub-select's SELECT clause or modifiers counts for that
    sub-select's WHERE group, which is where its value must be visible.

    Raises:
        ScanError: the text cannot be split into tokens.
    """
    toks = tokens(text)
    form: str | None = None
    form_line = 1
    groups: list[Group] = []
    outer: Group | None = None
    stack: list[_Open] = []
    param_lines: dict[str, int] = {}
    top_level_params: set[str] = set()
    short_construct = False
    expect_values_block = False
    template_index = -1  # the token index of a CONSTRUCT template's "{"
    i = 0
    while i < len(toks):
        tok = toks[i]
        upper = tok.text.upper() if tok.kind is TokenKind.WORD else ""
        if form is None and tok.kind is TokenKind.WORD:
            if upper in ("PREFIX", "BASE"):
                i += 1
                continue
            if upper in QUERY_FORMS or upper in UPDATE_KEYWORDS:
                form, form_line = upper, tok.line
                if (
                    upper == "CONSTRUCT"
                    and i + 1 < len(toks)
                    and toks[i + 1].kind is TokenKind.LBRACE
                ):
                    template_index = i + 1
                i += 1
                continue
        if upper == "VALUES":
            expect_values_block = True
        elif tok.kind is TokenKind.LBRACE:
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if expect_values_block:
                stack.append(_Open("data"))
                expect_values_block = False
            elif i == template_index:
                stack.append(_Open("template"))
            elif nxt is not None and nxt.kind is TokenKind.WORD and nxt.text.upper() == "SELECT":
                stack.append(_Open("subselect"))
            else:
                group = Group(tok.start, tok.line)
                groups.append(group)
                if not stack and outer is None:
                    outer = group
                    if (
                        form == "CONSTRUCT"
                        and _previous_word(toks, i) == "WHERE"
                        and (_previous_word(toks, i, 2) == "CONSTRUCT")
                    ):
                        short_construct = True
                parent = stack[-1] if stack else None
                if (
                    parent is not None
                    and parent.kind == "subselect"
                    and parent.subselect_where is None
                ):
                    parent.subselect_where = group
                    group.params |= parent.pending
                stack.append(_Open("group", group=group))
        elif tok.kind is TokenKind.RBRACE:
            if stack:
                stack.pop()
        elif tok.kind is TokenKind.VAR and tok.text.startswith(prefix):
            name = tok.text
            param_lines.setdefault(name, tok.line)
            if not stack or all(o.kind == "template" for o in stack):
                top_level_params.add(name)
            for opened in stack:
                if opened.group is not None:
                    opened.group.params.add(name)
            if stack and stack[-1].kind == "subselect":
                sub = stack[-1]
                if sub.subselect_where is not None:
                    sub.subselect_where.params.add(name)
                else:
                    sub.pending.add(name)
        i += 1
    if outer is not None:
        outer.params |= top_level_params
    return Structure(form, form_line, outer, groups, param_lines, short_construct)


def _previous_word(toks: list[Token], index: int, back: int = 1) -> str:
    """The upper-cased text of the token ``back`` places before ``index`` (skipping FROM <g>)."""
    j = index - 1
    seen = 0
    while j >= 0:
        tok = toks[j]
        if tok.kind is TokenKind.WORD and tok.text.upper() in ("FROM", "NAMED"):
            j -= 1
            continue
        if tok.kind is TokenKind.IRI:
            j -= 1
            continue
        seen += 1
        if seen == back:
            return tok.text.upper() if tok.kind is TokenKind.WORD else tok.text
        j -= 1
    return ""
