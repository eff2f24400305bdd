"""Which pages an edit makes stale, from the site manifest and the new build.

A page shows its thing's own statements and those pointing at it (read from some graphs),
the statements of the things its queries return (``DATA``) and the names, kinds and pages of
the things it links to (``NAMES``). The site's queries read the own statements of the things
they return and what points at the page's thing, nothing further, so after an edit a page is
stale when:

- a changed graph holds (now, or held before, as the page recorded) a statement of its thing
  or one pointing at it;
- a thing it returned in a query (or that points at it) has a statement in a changed graph;
- a thing it names was renamed, retyped, or gained or lost its page.

A class's listing is stale when one of its members (before or now) is, or a thing its cells
name was renamed. A change outside the note graphs (ontology, reference data, the saved
queries), new code or a different vocabulary makes every page stale: the whole site is
written again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.namespaces import NOTE_GRAPH_PREFIX
from loader.publish.site.manifest import Manifest, key_hash
from loader.publish.site.model import DATA, IN_GRAPH, NAMES, OUT_GRAPH, SiteData, tracked

#: The key of a class's listing in the manifest (a thing's page is keyed by its IRI).
CLASS_KEY = "class:"
#: Past this share of the pages, writing everything again (on every core) is quicker.
MOST = 0.3


@dataclass
class Plan:
    """What an incremental run writes; ``full`` when everything is written again."""

    full: bool
    why: str = ""
    pages: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    #: Nothing the site is made from changed: the site in place is the one a full run writes.
    unchanged: bool = False


def shown_digests(data: SiteData) -> dict[int, int]:
    """Per tracked thing, a hash of what other pages show of it: name, kinds, page."""
    things = set(data.names) | set(data.types) | data.page_set
    found: dict[int, int] = {}
    for iri in things:
        if tracked(iri) != iri:
            continue
        shown = "\x1f".join(
            (data.name(iri), *data.types.get(iri, ()), "page" if iri in data.page_set else "")
        )
        found[key_hash(iri)] = key_hash(shown)
    return found


def plan(
    manifest: Manifest,
    data: SiteData,
    graphs: dict[str, str],
    shown: dict[int, int],
    globals_now: dict[str, str],
    members: dict[str, list[str]],
) -> Plan:
    """The pages an edit made stale (see the module), or a full run and why."""
    for key, value in globals_now.items():
        if manifest.meta(key) != value:
            return Plan(full=True, why=f"the {key} changed")
    before = manifest.graphs()
    changed = {g for g in before.keys() | graphs.keys() if before.get(g) != graphs.get(g)}
    outside = sorted(g for g in changed if not g.startswith(NOTE_GRAPH_PREFIX))
    if outside:
        return Plan(full=True, why=f"{outside[0]} changed")
    keys: set[str] = set()  # what the changed graphs say something of, or point at, now
    for graph in sorted(changed):
        if graph not in graphs:
            continue
        for quad in data.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode):
                key = tracked(subject.value)
                if not key:
                    return Plan(full=True, why=f"a note states something of {subject.value}")
                keys.add(key)
            if isinstance(quad.object, ox.NamedNode) and (key := tracked(quad.object.value)):
                keys.add(key)
    graph_hashes = [key_hash(g) for g in changed]
    # ... or did before (the pages that read statements from them)
    keys |= manifest.readers(graph_hashes, [OUT_GRAPH, IN_GRAPH])
    keys -= changed
    said: set[str] = set()  # things whose own statements changed
    heard: set[str] = set()  # things whose statements pointing at them changed
    recorded = manifest.own(k for k in keys if k in data.page_set)
    for key in keys:
        if key not in data.page_set:
            said.add(key)  # no page to compare: taken as changed
            continue
        now = data.own_digests(key)
        before_own = recorded.get(key)
        if before_own is None or before_own[0] != now[0]:
            said.add(key)
        if before_own is None or before_own[1] != now[1]:
            heard.add(key)
    stale = said | heard
    sources = manifest.graph_sources()
    moved = [key_hash(g) for g in changed if sources.get(g) != data.graph_sources.get(g)]
    stale |= manifest.readers(moved, [OUT_GRAPH, IN_GRAPH])
    old_shown = manifest.shown()
    renamed = {h for h in old_shown.keys() | shown.keys() if old_shown.get(h) != shown.get(h)}
    if not stale and not renamed:
        return Plan(full=False, unchanged=not changed)
    stale |= manifest.readers([key_hash(s) for s in said], [DATA])
    stale |= manifest.readers(renamed, [NAMES, DATA])
    stale |= {iri for iri in data.pages if key_hash(iri) in renamed}
    classes = {key.removeprefix(CLASS_KEY) for key in stale if key.startswith(CLASS_KEY)}
    for iri in said | {i for i in data.types if key_hash(i) in renamed}:
        classes.update(data.types.get(iri, ()))
    old_keys = manifest.page_keys()
    old_pages = {k for k in old_keys if not k.startswith(CLASS_KEY)}
    old_classes = {k.removeprefix(CLASS_KEY) for k in old_keys if k.startswith(CLASS_KEY)}
    classes |= set(members) ^ old_classes
    pages = {iri for iri in stale if iri in data.page_set}
    if len(pages) > MOST * max(1, len(data.pages)):
        return Plan(full=True, why=f"{len(pages):,} pages are stale")
    return Plan(full=False, pages=pages, classes=classes, removed=old_pages - data.page_set)
