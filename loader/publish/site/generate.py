"""``tradekg site``: write the browsable site of the built graph, atomically.

Reads ``dist/store`` (read-only), writes every page into a temporary folder beside the target,
then swaps it in: a reader of the old site never sees half a new one, and a failure leaves the
old site as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pyoxigraph as ox

from loader import code_digest
from loader.files import beside, remove_killed, replace_dir, writing
from loader.namespaces import ID, NOTE_GRAPH_PREFIX
from loader.problems import InputError, Problem
from loader.project import Project
from loader.publish.site import listing, stale
from loader.publish.site.assets import SEARCH, STYLE, TABLES
from loader.publish.site.linked import link_tree
from loader.publish.site.manifest import FORMAT, Manifest, PageReads, key_hash, packed
from loader.publish.site.manifest import NAME as MANIFEST
from loader.publish.site.model import DATA, NAMES, SiteData, read_site_data, tracked
from loader.publish.site.pages import Conflict, PageContext, statistic_summary
from loader.publish.site.parallel import workers, write_pages
from loader.publish.site.paths import class_path, page_path
from loader.publish.site.queries import FOLDER, write_query_pages
from loader.publish.site.render import CAP, class_page, more, shell
from loader.publish.site.stale import Plan
from loader.publish.site.writer import FileWriter
from loader.query.local import open_store
from loader.query.name_index import fold
from loader.query.names import load_names, other_names

#: Instances per page of a class listing.
LISTING = 500
CONFLICTS_QUERY = "conflicting-statistics.rq"
#: The file that says a folder is a site ``tradekg site`` may replace.
MARKER = ".tradekg-site"
#: The site is written into ``.site.tmp-PID`` beside it (see loader.files.beside).
TEMP_TAG = "tmp"
MARKER_TEXT = "Written by `tradekg site`; the next run replaces this whole folder.\n"
#: The build's list of graphs and their digests, in ``dist/``.
BUILD_MANIFEST = "manifest.json"


@dataclass
class SiteResult:
    """What was written, for the command's summary and for tests."""

    out_dir: Path
    pages: int
    class_pages: int
    charts: int
    conflicts: int
    seconds: float
    #: Pages written by this run (all of them unless it was incremental).
    rewritten: int = 0
    full: bool = True


def generate_site(
    project: Project, out_dir: Path | None = None, *, full: bool = False
) -> SiteResult:
    """Write the site of ``project``'s built graph into ``out_dir`` (default ``dist/site``).

    When the folder holds a site with its manifest, only the pages the new build made stale
    are written again (see :mod:`.stale`); the result is the same as writing it all, which
    ``full`` asks for.

    Raises:
        InputError: there is no built store (``tradekg build`` first) or it cannot be read,
            or the disk is full or the folder cannot be written (the old site is kept).
    """
    start = time.perf_counter()
    out = (out_dir if out_dir is not None else project.dist_dir / "site").resolve()
    _check_target(out, project)
    store = open_store(project.store_dir)
    data = read_site_data(store)
    context = PageContext(conflicts=_read_conflicts(data, project))
    temp = beside(out, TEMP_TAG)
    with writing(out, elsewhere="write the site elsewhere with --out DIR"):
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_killed(out, TEMP_TAG)
        if temp.exists():
            shutil.rmtree(temp)
        try:
            others = other_names(load_names(store, project.dist_dir))
            members, index_rows = _listed(data, others)
            state = _State(
                graphs=_build_graphs(project.dist_dir),
                shown=stale.shown_digests(data),
                globals={
                    "format": FORMAT,
                    "code": code_digest(),
                    "vocabulary": _vocab(data),
                    "queries": _queries_digest(project),
                },
                conflicts=_conflicts_json(context),
                sources={
                    g: s for g, s in data.graph_sources.items() if g.startswith(NOTE_GRAPH_PREFIX)
                },
            )
            plan = Plan(full=True, why="asked for") if full else _plan(out, data, state, members)
            if plan.unchanged:
                written = _Written([], [])
            elif plan.full:
                written = _write_all(data, context, temp, project.store_dir, members, index_rows)
            else:
                written = _write_some(data, context, out, temp, project.store_dir, plan, members)
                _write_indexes(data, context, temp, members, index_rows)
            if not plan.unchanged:
                write_query_pages(project, store, temp, data.page_set)
                _write_manifest(out, temp, state, written, plan, members)
                replace_dir(temp, out)
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)
    pairs = sum(len(v) for v in context.conflicts.values()) // 2
    return SiteResult(
        out_dir=out,
        pages=len(data.pages),
        class_pages=sum(_listing_pages(m) for m in members.values()),
        charts=context.drawn,
        conflicts=pairs,
        seconds=time.perf_counter() - start,
        rewritten=len(written.pages) if not plan.full else len(data.pages),
        full=plan.full,
    )


@dataclass
class _State:
    """What the manifest records of the build the site is written from."""

    graphs: dict[str, str]
    shown: dict[int, int]
    globals: dict[str, str]
    conflicts: dict[str, str]
    sources: dict[str, str]


@dataclass
class _Written:
    """What a run wrote: the pages and listings and what each read."""

    pages: list[str]
    reads: list[PageReads]


def _plan(out: Path, data: SiteData, state: _State, members: dict[str, list[str]]) -> Plan:
    manifest = Manifest.open(out / MANIFEST) if (out / MARKER).is_file() else None
    if manifest is None:
        return Plan(full=True, why="no manifest")
    try:
        found = stale.plan(manifest, data, state.graphs, state.shown, state.globals, members)
        before = manifest.json("conflicts")
        if not found.full and isinstance(before, dict):
            for iri in before.keys() | state.conflicts.keys():
                if before.get(iri) != state.conflicts.get(iri) and iri in data.page_set:
                    found.pages.add(iri)
                    found.unchanged = False
        elif not found.full:
            return Plan(full=True, why="no conflicts in the manifest")
        return found
    finally:
        manifest.close(commit=False)


def _write_all(
    data: SiteData,
    context: PageContext,
    root: Path,
    store_dir: Path,
    members: dict[str, list[str]],
    index_rows: list[list[str]],
) -> _Written:
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "site.css").write_text(STYLE, encoding="utf-8")
    (root / "assets" / "search.js").write_text(SEARCH, encoding="utf-8")
    (root / "assets" / "tables.js").write_text(TABLES, encoding="utf-8")
    (root / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    for folder in sorted({row[1].split("/", 1)[0] for row in index_rows}):
        (root / folder).mkdir(exist_ok=True)
    context.drawn, reads = write_pages(data, context, root, store_dir, workers())
    with FileWriter() as writer:
        reads += _write_classes(data, members, root, writer, members)
    _write_indexes(data, context, root, members, index_rows)
    return _Written(list(data.pages), reads)


def _write_some(
    data: SiteData,
    context: PageContext,
    old: Path,
    root: Path,
    store_dir: Path,
    plan: Plan,
    members: dict[str, list[str]],
) -> _Written:
    """A copy of the old site (linked, see :mod:`.linked`) with the stale pages written."""
    before = _old_listings(old)
    again = {page_path(iri) for iri in plan.pages | plan.removed}
    again |= {p.removesuffix(".html") + ".jsonld" for p in again}
    for class_iri in plan.classes:
        again |= {class_path(class_iri, n) for n in range(1, before.get(class_iri, 0) + 1)}
    again |= {"index.html", "assets/search-index.js", MANIFEST}
    link_tree(old, root, lambda p: p in again or p.startswith(FOLDER + "/"))
    pages = sorted(plan.pages)
    for folder in sorted({page_path(iri).split("/", 1)[0] for iri in pages}):
        (root / folder).mkdir(exist_ok=True)
    context.drawn, reads = write_pages(data, context, root, store_dir, workers(), pages)
    chosen = {c: m for c, m in members.items() if c in plan.classes}
    with FileWriter() as writer:
        reads += _write_classes(data, chosen, root, writer, members)
    return _Written(pages, reads)


def _write_indexes(
    data: SiteData,
    context: PageContext,
    root: Path,
    members: dict[str, list[str]],
    index_rows: list[list[str]],
) -> None:
    rows = json.dumps(index_rows, ensure_ascii=True, separators=(",", ":"))
    script = "window.TRADEKG_INDEX = " + rows + ";\n"
    (root / "assets" / "search-index.js").write_text(script, encoding="utf-8")
    (root / "index.html").write_text(_index(data, context, members), encoding="utf-8")


def _write_manifest(
    old: Path,
    root: Path,
    state: _State,
    written: _Written,
    plan: Plan,
    members: dict[str, list[str]],
) -> None:
    """The manifest of the new copy, last (it describes the files beside it)."""
    path = root / MANIFEST
    if plan.full:
        manifest = Manifest.create(path)
        manifest.set_reads(sorted(written.reads, key=lambda r: r.key), fresh=True)
    else:
        shutil.copyfile(old / MANIFEST, path)
        opened = Manifest.open(path)
        assert opened is not None  # it was read a moment ago
        manifest = opened
        gone = {c for c in plan.classes if c not in members}
        manifest.drop_pages(plan.removed | {stale.CLASS_KEY + c for c in gone})
        manifest.set_reads(written.reads)
    for key, value in state.globals.items():
        manifest.set_meta(key, value)
    manifest.set_meta("conflicts", json.dumps(state.conflicts, sort_keys=True))
    manifest.set_meta("graph-sources", json.dumps(state.sources, sort_keys=True))
    listings = {c: _listing_pages(m) for c, m in sorted(members.items())}
    manifest.set_meta("listings", json.dumps(listings, sort_keys=True))
    manifest.set_graphs(state.graphs)
    manifest.set_shown(state.shown)
    if plan.full:
        manifest.finish()
    manifest.close(commit=True)


def _old_listings(old: Path) -> dict[str, int]:
    manifest = Manifest.open(old / MANIFEST)
    if manifest is None:
        return {}
    try:
        found = manifest.json("listings")
    finally:
        manifest.close(commit=False)
    return {str(k): int(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _listing_pages(members: list[str]) -> int:
    return max(1, -(-len(members) // LISTING))


def _listed(
    data: SiteData, others: dict[str, list[str]]
) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Each class's members and the search index's rows (see :func:`_list`)."""
    members: dict[str, list[str]] = defaultdict(list)
    index_rows: list[list[str]] = []
    for iri in data.pages:
        _list(data, iri, page_path(iri), members, index_rows, others)
    return dict(members), index_rows


def _build_graphs(dist_dir: Path) -> dict[str, str]:
    """Graph IRI → sha256 of the build (``dist/manifest.json``); empty when unreadable, which
    makes every graph look changed."""
    try:
        found = json.loads((dist_dir / BUILD_MANIFEST).read_text(encoding="utf-8"))
        return {str(g["iri"]): str(g["sha256"]) for g in found["graphs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _queries_digest(project: Project) -> str:
    """The saved queries' files (their pages and the conflicts are read from them)."""
    digest = hashlib.sha256()
    folder = project.queries_dir
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _vocab(data: SiteData) -> str:
    vocabulary = data.vocabulary
    text = json.dumps(
        [
            sorted(vocabulary.labels.items()),
            sorted(vocabulary.classes),
            sorted((k, sorted(v)) for k, v in vocabulary.parents.items()),
            sorted(vocabulary.percent),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _conflicts_json(context: PageContext) -> dict[str, str]:
    return {
        iri: json.dumps([[c.other, c.this_value, c.other_value] for c in found])
        for iri, found in sorted(context.conflicts.items())
    }


def _list(
    data: SiteData,
    iri: str,
    path: str,
    members: dict[str, list[str]],
    index_rows: list[list[str]],
    others: dict[str, list[str]],
) -> None:
    """Remember a page for its class listings and for the search index: its name, path,
    kinds and its other names, folded and ``|``-separated (ids, alternative labels, codes)."""
    classes = data.types.get(iri, [])
    for class_iri in classes:
        members[class_iri].append(iri)
    kinds = ", ".join(data.vocabulary.label(c) for c in classes) or "thing"
    name = data.name(iri)
    # the search script reads the id from the file name: it need not be in the index (the
    # script's fold and this one agree on file names, which are ASCII)
    stem = fold(path.rsplit("/", 1)[-1].removesuffix(".html"))
    alternatives = [n for n in others.get(iri, ()) if n not in (fold(name), stem)]
    index_rows.append([name, path, kinds, "|".join(alternatives)])


def _write_classes(
    data: SiteData,
    chosen: dict[str, list[str]],
    root: Path,
    writer: FileWriter,
    members: dict[str, list[str]],
) -> list[PageReads]:
    """Write the listings of the ``chosen`` classes; returns what each read."""
    (root / "class").mkdir(exist_ok=True)
    reads: list[PageReads] = []
    for class_iri, things in chosen.items():
        ordered = sorted(things, key=lambda i: (data.name(i).casefold(), i))
        pages = _listing_pages(ordered)
        facts = listing.facts_of(data, ordered)
        properties = listing.columns_of(facts)
        sources = listing.has_sources(facts)
        columns = [(data.vocabulary.label(p), p) for p in properties]
        if sources:
            columns.append(("source", listing.SOURCE))

        cells = {
            iri: listing.cells(data, facts[iri], properties, sources=sources) for iri in ordered
        }
        for page in range(1, pages + 1):
            chunk = ordered[(page - 1) * LISTING : page * LISTING]
            html = class_page(
                data, class_iri, chunk, page, pages, len(ordered), columns=columns, cells=cells
            )
            writer.write(root / class_path(class_iri, page), html)
        reads.append(PageReads(stale.CLASS_KEY + class_iri, _listing_reads(ordered, facts)))
    return reads


def _listing_reads(things: list[str], facts: dict[str, listing.Facts]) -> array[int]:
    """A listing reads its members' statements and shows the names of their values."""
    pairs = {(key_hash(iri), DATA) for iri in things}
    for one in facts.values():
        for values in one.values():
            for value in values:
                if isinstance(value, ox.NamedNode) and (key := tracked(value.value)):
                    pairs.add((key_hash(key), NAMES))
    return packed(sorted(pairs))


def _index(data: SiteData, context: PageContext, members: dict[str, list[str]]) -> str:
    stated = Counter[str]()
    referenced = Counter[str]()
    in_notes = _typed_in_notes(data)
    for class_iri, things in members.items():
        for iri in things:
            (stated if iri in in_notes else referenced)[class_iri] += 1

    def listing(counter: Counter[str]) -> str:
        rows = sorted(
            counter.items(), key=lambda kv: (data.vocabulary.label(kv[0]).casefold(), kv[0])
        )
        items = "".join(
            f'<li><a href="{escape(class_path(c))}">{escape(data.vocabulary.label(c))}</a> '
            f'<span class="more">{n:,}</span></li>'
            for c, n in rows
        )
        return f'<ul class="counts">{items}</ul>'

    sources = sum(1 for iri in data.pages if iri.startswith(ID + "source/"))
    body = [
        "<h1>tradekg — the graph, to read</h1>",
        f"<p>{len(data.pages):,} pages: every thing the notes state, from {sources:,} source "
        "documents, and every country, grouping, product or code they point at. Each fact "
        "links to its source and shows the source's own words.</p>",
        '<h2 id="search-box">Search</h2>',
        '<input id="search" type="search" placeholder="Type a name: Viet Nam, rare earths, 19%…" '
        'aria-label="search" autofocus>',
        '<p id="result-count" class="more"></p><ul id="results"></ul>',
        '<h2 id="classes">What the notes state</h2>',
        listing(stated),
        "<h2>What they point at (reference data)</h2>",
        listing(referenced),
    ]
    pairs = _conflict_pairs(context)
    if pairs:
        body.append("<h2>Conflicting statistics</h2>")
        body.append("<p>The same quantity, stated with different values by different sources:</p>")
        for a, b in pairs[:CAP]:
            body.append(
                f'<div class="pair">{_root_links(statistic_summary(data, a))}'
                f"{_root_links(statistic_summary(data, b))}</div>"
            )
        body.append(more(len(pairs), CAP))
    body.append('<script src="assets/search-index.js"></script>')
    body.append('<script src="assets/search.js"></script>')
    return shell("tradekg", "\n".join(body), root=True)


def _root_links(html: str) -> str:
    """Cards are made for pages one folder deep; on the index their links lose the ``../``."""
    return html.replace('href="../', 'href="')


def _conflict_pairs(context: PageContext) -> list[tuple[str, str]]:
    pairs = {tuple(sorted((a, c.other))) for a, cs in context.conflicts.items() for c in cs}
    return sorted((a, b) for a, b in pairs)


def _typed_in_notes(data: SiteData) -> set[str]:
    query = (
        f"SELECT DISTINCT ?thing WHERE {{ GRAPH ?g {{ ?thing a ?c }} "
        f'FILTER(STRSTARTS(STR(?g), "{NOTE_GRAPH_PREFIX}")) }}'
    )
    return {str(row["thing"].value) for row in data.select(query)}


def _read_conflicts(data: SiteData, project: Project) -> dict[str, list[Conflict]]:
    """Pairs from the project's saved conflicting-statistics query, when it has one."""
    path = project.queries_dir / CONFLICTS_QUERY
    if not path.is_file():
        return {}
    found: dict[str, list[Conflict]] = defaultdict(list)
    for row in data.select(path.read_text(encoding="utf-8")):
        a, b = row["a"], row["b"]
        if not isinstance(a, ox.NamedNode) or not isinstance(b, ox.NamedNode):
            continue
        va = str(row["valueA"].value) if row["valueA"] is not None else ""
        vb = str(row["valueB"].value) if row["valueB"] is not None else ""
        if a.value in data.page_set and b.value in data.page_set:
            found[a.value].append(Conflict(b.value, va, vb))
            found[b.value].append(Conflict(a.value, vb, va))
    return dict(found)


def _check_target(out: Path, project: Project) -> None:
    """Refuse to replace a folder that is not a site: the swap deletes what was there.

    Raises:
        InputError: ``out`` is a file, holds the project, or is a non-empty folder that no
            ``tradekg site`` wrote.
    """
    problem = None
    if out.exists() and not out.is_dir():
        problem = f"{out} is a file, not a folder"
    elif out == project.root or out in project.root.parents:
        problem = f"{out} holds the project itself"
    elif out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        problem = f"{out} is not empty and was not written by `tradekg site`"
    if problem:
        raise InputError(
            [
                Problem(
                    "site-target",
                    f"will not write the site there: {problem} (it would be replaced)",
                    hint="give --out a new or empty folder, or one an earlier site was written to",
                )
            ]
        )
