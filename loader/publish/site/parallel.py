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
from loader.publish.site.model import SiteData
from loader.publish.site.pages import PageContext, entity_page
from loader.publish.site.paths import page_path
from loader.publish.site.writer import FileWriter

#: At most this many processes, whatever the machine.
MAX_WORKERS = 4


def workers() -> int:
    """How many processes to use: the cores this process may run on, at most four."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def write_slice(data: SiteData, context: PageContext, root: Path, pages: list[str]) -> int:
    """Write the pages of ``pages``; returns how many charts were drawn."""
    with FileWriter() as writer:
        for iri in pages:
            path = root / page_path(iri)
            writer.write(path, entity_page(data, iri, context))
            writer.write(path.with_suffix(".jsonld"), thing_jsonld(data.store, iri))
    return context.chart_count


def write_pages(
    data: SiteData, context: PageContext, root: Path, store_dir: Path, processes: int
) -> int:
    """Write every page (their folders must exist); returns how many charts were drawn.

    Raises:
        RuntimeError: a page process failed (its error is in the message).
    """
    if processes <= 1 or len(data.pages) < processes:
        return write_slice(data, context, root, data.pages)
    fork = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[tuple[int, str, int, str]] = fork.Queue()
    children = [
        fork.Process(
            target=_child,
            args=(data, context, root, store_dir, data.pages[i::processes], results),
            name=f"site-pages-{i}",
        )
        for i in range(processes)
    ]
    for child in children:
        child.start()
    charts = 0
    errors = []
    fault: OSError | None = None
    for _ in children:
        try:
            count, error, code, filename = results.get(timeout=24 * 3600)
        except queue.Empty:  # pragma: no cover - a day without an answer
            errors.append("a page process did not answer")
            break
        charts += count
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
    return charts


def _child(
    data: SiteData,
    context: PageContext,
    root: Path,
    store_dir: Path,
    pages: list[str],
    results: multiprocessing.Queue[tuple[int, str, int, str]],
) -> None:
    """In a forked process: reopen the store (a handle must not cross a fork), write pages.

    A full disk or an unwritable folder goes back as its errno and file name, so that the
    parent can report it as such (see loader.files.writing).
    """
    try:
        data.store = ox.Store.read_only(str(store_dir))
        context.charts = None
        results.put((write_slice(data, context, root, pages), "", 0, ""))
    except BaseException as error:  # reported by the parent, with the page process's words
        code = write_fault(error) or 0
        name = getattr(error, "filename", None)
        filename = os.fsdecode(name) if isinstance(name, (str, bytes)) else ""
        results.put((0, f"{type(error).__name__}: {error}", code, filename))
