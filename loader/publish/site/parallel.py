"""Make the pages on every core: the page list cut into fixed slices, one process per slice.

Pages are independent of each other, and making them (SPARQL, HTML, charts) is Python work
that one process does on one core. Each slice goes to a forked process that inherits the
names, types and page list already read (copy-on-write, nothing is sent), opens the store
read-only itself, and writes its pages. Slices are fixed (every n-th page), so the same graph
gives the same files. Where ``fork`` does not exist, or on one core, pages are made in turn.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from pathlib import Path

import pyoxigraph as ox

from loader.files import write_fault
from loader.publish.site.jsonld import thing_jsonld
from loader.publish.site.manifest import PageReads, key_hash, packed
from loader.publish.site.model import SiteData, no_reads
from loader.publish.site.pages import PageContext, entity_page
from loader.publish.site.paths import page_path
from loader.publish.site.writer import FileWriter

#: At most this many processes, whatever the machine.
MAX_WORKERS = 4
#: Fewer pages than this are made in this process (forking costs more than they do).
FEW = 64


def workers() -> int:
    """How many processes to use: the cores this process may run on, at most four."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


Result = tuple[int, list[PageReads], str, int, str]


def write_slice(
    data: SiteData, context: PageContext, root: Path, pages: list[str]
) -> tuple[int, list[PageReads]]:
    """Write the pages of ``pages``; returns how many charts were drawn and what each page
    read (for the site manifest)."""
    reads: list[PageReads] = []
    hashes: dict[str, int] = {}
    with FileWriter() as writer:
        for iri in pages:
            data.seen = no_reads()
            path = root / page_path(iri)
            writer.write(path, entity_page(data, iri, context))
            writer.write(path.with_suffix(".jsonld"), thing_jsonld(data.store, iri))
            pairs = []
            for kind, keys in enumerate(data.seen):
                for key in keys:
                    h = hashes.get(key)
                    if h is None:
                        h = hashes[key] = key_hash(key)
                    pairs.append((h, kind))
            reads.append(PageReads(iri, packed(sorted(pairs)), (data.own[0], data.own[1])))
    data.seen = None
    return context.chart_count, reads


def write_pages(
    data: SiteData,
    context: PageContext,
    root: Path,
    store_dir: Path,
    processes: int,
    pages: list[str] | None = None,
) -> tuple[int, list[PageReads]]:
    """Write the pages of ``pages`` (default: every page; their folders must exist); returns
    how many charts were drawn and what each page read.

    Raises:
        RuntimeError: a page process failed (its error is in the message).
    """
    todo = data.pages if pages is None else pages
    if processes <= 1 or len(todo) < max(processes, FEW):
        return write_slice(data, context, root, todo)
    fork = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[Result] = fork.Queue()
    children = [
        fork.Process(
            target=_child,
            args=(data, context, root, store_dir, todo[i::processes], results),
            name=f"site-pages-{i}",
        )
        for i in range(processes)
    ]
    for child in children:
        child.start()
    charts = 0
    reads: list[PageReads] = []
    errors = []
    fault: OSError | None = None
    for _ in children:
        try:
            count, done, error, code, filename = results.get(timeout=24 * 3600)
        except queue.Empty:  # pragma: no cover - a day without an answer
            errors.append("a page process did not answer")
            break
        charts += count
        reads.extend(done)
        if code and fault is None:
            fault = OSError(code, os.strerror(code), filename or None)
        elif error:
            errors.append(error)
    for child in children:
        child.join()
        if child.exitcode not in (0, None) and not errors and fault is None:
            errors.append(f"{child.name} stopped with exit code {child.exitcode}")
    if fault is not None:  # a full disk, a read-only folder: the caller says what to do
        raise fault
    if errors:
        raise RuntimeError("; ".join(errors))
    return charts, reads


def _child(
    data: SiteData,
    context: PageContext,
    root: Path,
    store_dir: Path,
    pages: list[str],
    results: multiprocessing.Queue[Result],
) -> None:
    """In a forked process: reopen the store (a handle must not cross a fork), write pages.

    A full disk or an unwritable folder goes back as its errno and file name, so that the
    parent can report it as such (see loader.files.writing).
    """
    try:
        data.store = ox.Store.read_only(str(store_dir))
        context.charts = None
        count, reads = write_slice(data, context, root, pages)
        results.put((count, reads, "", 0, ""))
    except BaseException as error:  # reported by the parent, with the page process's words
        code = write_fault(error) or 0
        name = getattr(error, "filename", None)
        filename = os.fsdecode(name) if isinstance(name, (str, bytes)) else ""
        results.put((0, [], f"{type(error).__name__}: {error}", code, filename))
