"""``tradekg build --watch``: rebuild after every save and print only what that edit caused.

An author's loop is edit → check → look; rerunning the build by hand and reading its whole
output is the slow part. The watch builds once, then waits on the project's inputs (notes,
ontology, shapes, saved queries, reference data, the source archive) with ``watchfiles``
(inotify on Linux). A burst of file events — an editor's save writes a backup, a swap file
and the file itself; ``git checkout`` writes many — is coalesced into one rebuild, which is
the ordinary incremental :func:`loader.build.pipeline.build`: the same code, so the same
``dist/`` as a fresh full build, and a failed build leaves the previous ``dist/`` in place.

Before each rebuild, :mod:`loader.build.first_look` checks the saved notes on their own and
their errors are printed at once: at 10,000 notes the rebuild needs seconds before it reads
the edited note. The rebuild's report then leaves out what was already shown.

What stays warm between rebuilds is what the process itself holds: the imported libraries
(about a second of every ``tradekg build`` run by hand), the first look's vocabulary and
reference ids, and the build's :class:`~loader.build.cache.Warm` state — the parsed
ontology and reference data while their files hash the same, and the build cache, which
is written to disk only after the outcome is printed (at 10,000 notes, unpickling and
pickling it took seconds of every rebuild).

Stopping (Ctrl-C, SIGTERM) waits for a running build to finish, so ``dist/`` is never left
half-replaced, and then ends the watch normally.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from loader.build.cache import Warm
from loader.build.first_look import FirstLook
from loader.problems import InputError, Problem, Severity
from loader.project import Project

#: How long a burst of events may keep growing before it is built anyway (ms), and how long
#: the watch waits for the next event of a burst (ms): an editor's save is one rebuild, and
#: the rebuild starts a twentieth of a second after the last write.
DEBOUNCE_MS = 1600
STEP_MS = 50

#: Called with a line and whether it is a problem (stderr) rather than a result (stdout).
Echo = Callable[[str, bool], None]


def is_editor_temp(path: str) -> bool:
    """Whether a file is an editor's scratch file, not an input: Vim's swap files
    (``.x.swp``, ``.swo``, …) and its write test ``4913``, backups ending in ``~``, Emacs'
    lock and auto-save files (``.#x``, ``#x#``)."""
    name = Path(path).name
    return (
        name == "4913"
        or name.endswith("~")
        or name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))
        or (len(name) > 4 and name[-4:-1] == ".sw" and name[-1].isalpha())
    )


def watched_folders(project: Project) -> list[Path]:
    """The folders whose files a build reads, those that exist (a missing one cannot be
    watched; the build reports what it lacks)."""
    folders = [
        project.notes_dir,
        project.ontology_dir,
        project.shapes_dir,
        project.queries_dir,
        project.reference_dir,
    ]
    with suppress(InputError):  # a broken setting: the build reports it
        folders.append(project.sources().path)
    found: list[Path] = []
    for folder in folders:
        resolved = folder.resolve()
        if resolved.is_dir() and resolved not in found:
            found.append(resolved)
    return found


@dataclass
class Outcome:
    """One build of the watch: the lines to print and what they sum up to."""

    ok: bool
    #: formatted problems, in the order the build reports them
    problems: list[str]
    summary: str
    #: stage → seconds, for ``--timings``
    timings: dict[str, float] = field(default_factory=dict)


def rebuild(
    project: Project,
    *,
    edited: Iterable[str] = (),
    full: bool = False,
    strict: bool = False,
    warm: Warm | None = None,
) -> Outcome:
    """Build once and say what this build found, for the files ``edited`` (project-relative).

    A build that succeeds reports the warnings of the notes it redid; one that fails reports
    its errors (which block it, wherever they are) and the warnings of the edited files —
    not those of notes nobody touched, which the author has seen before.
    """
    from loader.build.pipeline import build
    from loader.validate.validator import ValidationFailed

    start = time.perf_counter()
    try:
        result = build(project, use_cache=not full, strict=strict, warm=warm)
    except (InputError, ValidationFailed) as failure:
        seconds = time.perf_counter() - start
        touched = set(edited)
        shown = [p for p in failure.problems if p.severity is Severity.ERROR or p.file in touched]
        errors = sum(1 for p in failure.problems if p.severity is Severity.ERROR)
        return Outcome(
            ok=False,
            problems=[p.format() for p in shown],
            summary=(
                f"failed: {_count(errors, 'error')} in {seconds:.2f} s"
                f" — {project.rel(project.dist_dir)}/ keeps the last good build"
            ),
        )
    except OSError as error:  # a file vanished mid-read (an editor's rename), a full disk
        seconds = time.perf_counter() - start
        return Outcome(
            ok=False,
            problems=[f"{error.filename or project.root}: error: {error.strerror or error}"],
            summary=f"failed: the build could not read or write a file in {seconds:.2f} s"
            " — it is retried on the next change",
        )
    seconds = time.perf_counter() - start
    redone = set(result.redone)
    return Outcome(
        ok=True,
        problems=[w.format() for w in result.warnings if _shown(w, redone)],
        summary=f"ok: {_count(len(result.redone), 'note')} redone in {seconds:.2f} s",
        timings=result.timings,
    )


def _shown(warning: Problem, redone: set[str]) -> bool:
    return warning.file is None or warning.file in redone


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Stop:
    """Ctrl-C and SIGTERM as a flag the loop checks between builds.

    A signal that arrives during a build only sets the flag: interrupting the build while it
    swaps files into ``dist/`` could leave old and new files side by side. The watch ends
    when that build is done.
    """

    def __init__(self) -> None:
        self.event = threading.Event()
        self.building = False
        self.on_deferred: Callable[[], None] | None = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.building and not self.event.is_set() and self.on_deferred is not None:
            self.on_deferred()
        self.event.set()

    @contextmanager
    def installed(self) -> Iterator[Stop]:
        """Handle SIGINT and SIGTERM while the watch runs (only the main thread can)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {s: signal.signal(s, self._handle) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def _keep(change: object, path: str) -> bool:
    """The watchfiles filter: every file but editors' scratch files."""
    return not is_editor_temp(path)


def watch(
    project: Project,
    echo: Echo,
    *,
    full: bool = False,
    strict: bool = False,
    timings: bool = False,
    stop: Stop | None = None,
    after: Callable[[], str] | None = None,
) -> None:
    """Build, then rebuild after every saved change until Ctrl-C or SIGTERM.

    ``full`` makes the first build ignore the cache (the later ones are incremental).
    ``after`` runs after each build that succeeds (``--site``: the site brought up to date,
    which this stage cannot import) and says in one line what it did.
    """
    import watchfiles

    stop = stop or Stop()
    stop.on_deferred = lambda: echo("stopping when this build is done (dist/ stays whole)", False)
    folders = watched_folders(project)
    with stop.installed():
        # The watcher starts (on the first ``next``) before the first build, so that a save
        # made while that build runs is seen; what that first call saw, the build covers.
        changes = watchfiles.watch(
            *folders,
            watch_filter=_keep,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop.event,
            raise_interrupt=False,
            yield_on_timeout=True,
            rust_timeout=200,
        )
        next(changes, None)
        warm = Warm()
        outcome = _build(project, stop, warm, full=full, strict=strict)
        _report(outcome, echo, timings)
        _save(project, warm, echo)
        _after(outcome, after, stop, echo)
        shown = ", ".join(f"{project.rel(f)}/" for f in folders)
        echo(f"watching {shown} — Ctrl-C to stop", False)
        first_look = FirstLook(project)
        first_look.warm()
        for batch in changes:
            if stop.event.is_set():
                break
            if not batch:
                continue  # a timeout: only a chance to look at the stop flag
            edited = sorted({project.rel(Path(path)) for _change, path in batch})
            printed = _early(first_look, edited, echo)
            if stop.event.is_set():
                break  # stopped during the first look: no build begun, dist/ as it was
            outcome = _build(project, stop, warm, edited=edited, strict=strict)
            outcome.problems = [line for line in outcome.problems if line not in printed]
            _report(outcome, echo, timings)
            _save(project, warm, echo)
            _after(outcome, after, stop, echo)
    echo("stopped watching", False)


def _early(first_look: FirstLook, edited: list[str], echo: Echo) -> set[str]:
    """Print the edited notes' own errors before the rebuild starts; what was printed."""
    try:
        errors = first_look.errors(edited)
    except (InputError, OSError):  # a broken ontology, a vanished file: the build says so
        return set()
    lines = [problem.format() for problem in errors]
    for line in lines:
        echo(line, True)
    return set(lines)


def _build(
    project: Project, stop: Stop, warm: Warm, *, edited: Iterable[str] = (), full: bool = False,
    strict: bool = False,
) -> Outcome:  # fmt: skip
    stop.building = True
    try:
        return rebuild(project, edited=edited, full=full, strict=strict, warm=warm)
    finally:
        stop.building = False


def _save(project: Project, warm: Warm, echo: Echo) -> None:
    """Write the cache of the build just reported (a signal meanwhile waits, as for a build):
    a cache that cannot be written costs the next ``tradekg build`` a full build, no more."""
    try:
        warm.save(project)
    except OSError as error:
        echo(f"{error.filename or project.cache_dir}: warning: the build cache was not saved"
             f" ({error.strerror or error}); the next build redoes every note", True)  # fmt: skip


def _after(outcome: Outcome, after: Callable[[], str] | None, stop: Stop, echo: Echo) -> None:
    """Run ``after`` once a build succeeded (a signal meanwhile waits for it, as for a build);
    what it cannot do is printed and the watch goes on."""
    if after is None or not outcome.ok:
        return
    stop.building = True
    try:
        echo(after(), False)
    except InputError as failure:
        for problem in failure.problems:
            echo(problem.format(), True)
    except OSError as error:
        echo(f"{error.filename or ''}: error: {error.strerror or error}", True)
    finally:
        stop.building = False


def _report(outcome: Outcome, echo: Echo, timings: bool) -> None:
    for line in outcome.problems:
        echo(line, True)
    if timings:
        for stage, seconds in outcome.timings.items():
            echo(f"{stage:<28} {seconds:8.3f} s", True)
    echo(outcome.summary, not outcome.ok)
