"""Text from a server, made safe to show: credentials redacted, control characters visible.

Why here, in one place: a server may quote the request back (a 500 page that echoes every
header, a proxy's debug page), so any text it sends can hold the ``Authorization`` header,
the Basic base64 of ``user:password``, the password itself, a cookie or a token; and an
answer may hold terminal escape sequences (``ESC ] 0;…`` retitles the window, others move
the cursor or rewrite what was printed before) or bidi overrides that make a value read as
another. Every place that shows server text (error messages of ``query`` and ``load``, the
tables of ``query`` and ``show``) goes through :func:`redact` and :func:`visible`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"

#: The name of a header that carries a credential, as echoed in plain text, JSON, a Python
#: repr or an HTML table whose tags were removed, with its separator and opening quote.
_HEADER = re.compile(
    r"""(?ix)
    \b(?:proxy-)?authori[sz]ation\b|\bset-cookie\b|\bcookie\b|\bx-api-key\b|\bx-auth-token\b
    """
)
#: (a bare space separates only before an auth scheme: "authorization failed" is left alone)
_SEPARATOR = re.compile(
    r"""["']?(?:\s*[:=]\s*|\s+(?=(?:basic|bearer|digest|negotiate|ntlm|token)\b))(["']?)""",
    re.IGNORECASE,
)
#: ``Basic YWxpY2U6…``, ``Bearer eyJ…``: an authorisation scheme and its credential.
_SCHEMES = re.compile(r"\b([Bb]asic|[Bb]earer|Negotiate|Token)(\s+)([A-Za-z0-9+/=._~-]{8,})")
#: ``password=…``, ``"access_token": "…"``, ``api_key=…`` in a query string, form or JSON.
_FIELDS = re.compile(
    r"""(?ix)
    (\b(?:password|passwd|pwd|secret|token|access_token|refresh_token|api_?key|session(?:id)?)
    ["']?\s*[:=]\s*["']?)
    ([^"'&\s,;}<>]+)
    """
)

#: Bidi embeddings, overrides and isolates, and the marks that flip a run's direction.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every secret, credential header value and token replaced by ``***``.

    ``secrets`` are the exact strings to mask (a password and its encoded forms, see
    :meth:`loader.store.credentials.Credentials.secrets`); the patterns catch credentials
    the client never knew (a cookie, another user's token). Longest secrets go first, so a
    password inside its own base64 form cannot leave a half-masked remainder.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _mask_headers(text)
    text = _SCHEMES.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    return _FIELDS.sub(lambda m: m.group(1) + MASK, text)


def _mask_headers(text: str) -> str:
    """Every credential header's value masked: up to its closing quote when it is quoted
    (escaped quotes inside are part of it), else to the end of the line."""
    out: list[str] = []
    position = 0
    for name in _HEADER.finditer(text):
        if name.start() < position:
            continue
        separator = _SEPARATOR.match(text, name.end())
        if separator is None:
            continue
        start = separator.end()
        quote = separator.group(1)
        end = _value_end(text, start, quote)
        out += [text[position:start], MASK if end > start else ""]
        position = end
    out.append(text[position:])
    return "".join(out)


def _value_end(text: str, start: int, quote: str) -> int:
    index = start
    while index < len(text):
        char = text[index]
        if char in "\r\n" or (not quote and char in "<>"):
            break
        if quote and char == "\\":
            index += 2
            continue
        if quote and char == quote:
            break
        index += 1
    return min(index, len(text))


def _shown(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_BIDI)) + "]")


def visible(text: str) -> str:
    """``text`` with every control character other than tab and newline made visible.

    C0 controls and DEL become their Control Pictures (``ESC`` → ``␛``, ``CR`` → ``␍``), C1
    controls and bidi overrides their escapes (``\\x9b``, ``\\u202e``), so nothing a server
    or a note wrote can drive the terminal, yet a reader still sees that it was there.
    """
    return _INVISIBLE.sub(lambda m: _shown(m.group()), text)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """:func:`redact`, then :func:`visible`: what every server message goes through."""
    return visible(redact(text, secrets))
