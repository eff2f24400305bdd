"""Where each page of the site lives, and how one page links to another.

Every page sits one folder below the top (or at the top ``index.html``), so a link from a
page to another is always ``../<kind>/<file>.html``: a site copied anywhere, opened from
``file://`` or served from any sub-path, keeps working.

>>> page_path("https://w3id.org/tradekg/id/state/VNM")
'state/VNM.html'
>>> page_path("https://w3id.org/tradekg/id/hs2022/section-XV")
'hs2022/section-XV.html'
>>> class_path("https://w3id.org/tradekg/ontology#TariffMeasure")
'class/TariffMeasure.html'
>>> class_path("https://w3id.org/tradekg/ontology#TariffMeasure", 2)
'class/TariffMeasure-p2.html'

A key too long for a file name (most file systems allow 255 bytes) keeps its start and gets a
hash of the whole, so that it stays unique and the same from build to build:

>>> long = page_path("https://w3id.org/tradekg/id/commitment/" + "x" * 300)
>>> len(long.split("/")[1]), long[-30:]
(165, 'xxxxxxxx-0d4e2ca9e9cbced7.html')
"""

from __future__ import annotations

import functools
import hashlib
import re

from loader.namespaces import ID, TKG

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


#: The longest file name stem a page gets (its ``.html`` and ``.jsonld`` files stay well
#: under the 255 bytes file systems allow).
MAX_STEM = 160


def _safe(text: str) -> str:
    """A file name made only of safe characters; anything else becomes ``_xx`` (its hex); a
    name longer than :data:`MAX_STEM` is cut and gets a hash of the whole."""
    safe = _UNSAFE.sub(lambda m: "".join(f"_{b:02x}" for b in m.group().encode()), text)
    if len(safe) <= MAX_STEM:
        return safe
    digest = hashlib.sha256(safe.encode()).hexdigest()[:16]
    return f"{safe[: MAX_STEM - 17]}-{digest}"


def has_page_iri(iri: str) -> bool:
    """Things the project mints (``…/id/<kind>/<key>``) can have pages; others cannot.

    An IRI with a fragment (``…#evidence-…``, a quote's annotation) is a part of the thing
    before the ``#`` and is shown on that thing's page.
    """
    return iri.startswith(ID) and "/" in iri[len(ID) :] and "#" not in iri


@functools.lru_cache(maxsize=1 << 16)
def page_path(iri: str) -> str:
    """The path of a thing's page below the site folder: ``<kind>/<key>.html``."""
    kind, key = iri[len(ID) :].split("/", 1)
    return f"{_safe(kind)}/{_safe(key.replace('/', '--'))}.html"


def class_path(iri: str, page: int = 1) -> str:
    """The path of a class's listing (page 1, 2 … when it holds many instances)."""
    local = iri[len(TKG) :] if iri.startswith(TKG) else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    suffix = "" if page == 1 else f"-p{page}"
    return f"class/{_safe(local)}{suffix}.html"


def href(path: str, *, from_root: bool = False) -> str:
    """The link to ``path`` from a page one folder deep (or from ``index.html``)."""
    return path if from_root else "../" + path
