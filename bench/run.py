"""Time every stage of the tradekg pipeline against a naive rdflib/pyshacl baseline.

``python -m bench.run [--sizes 100,1000,10000] [--json out.json] [--skip-baseline-above N]``

For each size it generates a corpus (:mod:`bench.generate`) and measures, in one run:

* **the floor** — what pyoxigraph itself takes for the build's own ``dist/tradekg.nq``:
  parse only (median of 3), load into an in-memory store, bulk-load into an on-disk store,
  and the resident memory of a process holding that in-memory store; for loading, one raw
  ``POST`` of the N-Quads into a fresh ``oxigraph serve --location`` server. Every goal of
  the speed issue is reported as a ratio to these (or to the cold build, or to Jena), or as
  a time for the watch's error line, the site's update and ``show``, with ✓ or ✗, and a row
  that could not be measured says why (:func:`goal_rows`);

* **ours** — ``tradekg build --full --timings`` as a child process (its own stage timings,
  wall time and peak memory), a rebuild with nothing changed, a rebuild after editing one
  note (incremental when the build has a cache), ``tradekg build --watch`` (seconds from
  saving a one-note edit to its ``ok`` line, and from saving a bad value to its
  ``file:line`` error), ``tradekg validate`` when the command exists and, right after it,
  Apache Jena SHACL on the same data and shapes (:mod:`bench.jena`), ``tradekg site`` cold
  and again after a one-note edit and rebuild, ``tradekg show USA`` (median of 3 fresh
  processes), every saved query on the built store (engine: median of ``--runs`` runs
  after one warm-up; CLI: ``tradekg query NAME``, median of up to 3 runs after one
  warm-up), and ``tradekg load`` into a real Oxigraph server, then again (an unchanged
  build);
* **baseline** — what a naive pipeline does with the same data: rdflib parses
  ``dist/tradekg.nq`` into a ``Dataset``, rdflib's SPARQL engine answers the same saved
  queries, and pyshacl validates the union graph against ``shapes/``. Each stage has a time
  limit (``--baseline-limit``) and is reported as "not run: > N s limit" when it hits it.

Why child processes: each pipeline runs in its own process so that its peak memory (the
``ru_maxrss`` the kernel reports for exactly that child, via ``os.wait4``, and the sampled
memory of the processes it forks: :mod:`bench.processes`) is its own and
imports or caches of one pipeline cannot speed up or slow down the other. Why ratios: this
machine's speed drifts by up to 3.7× in an afternoon, so only numbers measured side by side
in the same run are compared.

Every saved query must answer rows on the corpus: one that answers none is named and the
benchmark exits with status 1 (its timing would measure empty work).

Run on demand only, never inside the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from bench.generate import DEFAULT_SEED, REPO_ROOT, generate
from bench.jena import measure_jena
from bench.processes import run_child, vm_hwm_mb

#: Seconds; a baseline stage that takes longer is stopped and reported as not run.
DEFAULT_BASELINE_LIMIT = 300.0
DEFAULT_RUNS = 5
#: Used only when the project has no saved queries yet, so that queries are still compared.
FALLBACK_QUERIES: dict[str, str] = {
    "bench-tariffs-at-or-above-25": """
PREFIX tkg: <https://w3id.org/tradekg/ontology#>
SELECT ?measure ?by ?to ?rate WHERE {
  ?measure a tkg:TariffMeasure ; tkg:imposedBy ?by ; tkg:appliesTo ?to ; tkg:rate ?rate .
  FILTER(?rate >= 25)
} ORDER BY DESC(?rate) ?measure
""",
    "bench-commitments-by-obligor": """
PREFIX tkg: <https://w3id.org/tradekg/ontology#>
SELECT ?obligor (COUNT(?c) AS ?n) WHERE {
  ?c a tkg:Commitment ; tkg:obligor ?obligor ; tkg:underAgreement ?a .
  ?a tkg:party ?obligor .
} GROUP BY ?obligor ORDER BY DESC(?n)
""",
    "bench-measures-by-hs-chapter": """
PREFIX tkg: <https://w3id.org/tradekg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?chapter (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?m a tkg:TariffMeasure ; tkg:concernsProduct ?code .
  ?code skos:broader+ ?chapter . ?chapter a tkg:HSChapter .
} GROUP BY ?chapter ORDER BY DESC(?n) LIMIT 20
""",
}


# ---------------------------------------------------------------------------------------------
# The CLI being measured
# ---------------------------------------------------------------------------------------------


def tradekg(*args: str) -> list[str]:
    """The ``tradekg`` CLI in this interpreter (the same venv as the benchmark)."""
    return [sys.executable, "-m", "loader.cli", *args]


def cli_supports(command: str, option: str | None = None) -> bool:
    """Whether ``tradekg COMMAND [OPTION]`` exists in the code being measured."""
    result = run_child(tradekg(command, "--help"), timeout=60)
    if result.returncode != 0:
        return False
    return option is None or option in result.stdout


_TIMING_LINE = re.compile(r"^(\S.*?)\s+(\d+(?:\.\d+)?) s$")


def parse_timings(stderr: str) -> dict[str, float]:
    """The ``stage   1.234 s`` lines ``tradekg build --timings`` prints."""
    timings: dict[str, float] = {}
    for line in stderr.splitlines():
        match = _TIMING_LINE.match(line.strip())
        if match:
            timings[match.group(1).strip()] = float(match.group(2))
    return timings


# ---------------------------------------------------------------------------------------------
# Saved queries, bound with their defaults
# ---------------------------------------------------------------------------------------------


def saved_queries(project_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Name → bound query text for every saved query, and name → why one was skipped.

    Queries are bound with their header defaults exactly as ``tradekg query NAME`` does; a
    query with a required parameter and no default cannot run unattended and is skipped.
    """
    queries: dict[str, str] = {}
    skipped: dict[str, str] = {}
    if not any((project_dir / "queries").glob("*.rq")):
        return dict(FALLBACK_QUERIES), {"(all)": "no saved queries: bench fallback queries used"}
    from loader.problems import InputError
    from loader.project import Project
    from loader.query.params import bind, resolve
    from loader.query.saved import load_saved_queries

    for query in load_saved_queries(Project.at(project_dir)):
        try:
            queries[query.name] = bind(query.text, resolve(query.params, {}))
        except InputError as error:
            skipped[query.name] = "; ".join(p.message for p in error.problems)
    return queries, skipped


# ---------------------------------------------------------------------------------------------
# Child: our query engine (embedded pyoxigraph store)
# ---------------------------------------------------------------------------------------------


def save_partial(answer: Path | None, result: dict[str, Any]) -> None:
    """Write what a child has measured so far: if it is killed (a hang, a query that runs
    for an hour), the stages it finished are still reported."""
    if answer is not None:
        answer.write_text(json.dumps(result, indent=2), encoding="utf-8")


def child_ours(
    project_dir: Path, runs: int, limit: float, answer: Path | None = None
) -> dict[str, Any]:
    """Index the N-Quads into a fresh store, then time each saved query on ``dist/store``.

    A query whose runs together take longer than ``limit`` is not repeated further (a single
    pyoxigraph query cannot be interrupted from Python, so at least one run completes).
    """
    import pyoxigraph as ox

    result: dict[str, Any] = {}
    nquads = project_dir / "dist" / "tradekg.nq"
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        start = time.perf_counter()
        store = ox.Store(tmp)
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        result["index_s"] = time.perf_counter() - start
        del store

    store = ox.Store.read_only(str(project_dir / "dist" / "store"))
    queries, skipped = saved_queries(project_dir)
    result["skipped_queries"] = skipped
    timings: dict[str, Any] = {}
    for name, text in queries.items():

        def run(text: str = text) -> int:
            answer = store.query(text, use_default_graph_as_union=True)
            if isinstance(answer, ox.QueryBoolean):
                return int(bool(answer))
            return sum(1 for _ in answer)

        result["queries"] = timings
        save_partial(answer, result)
        timings[name] = repeat(run, runs, limit=limit)
    result["queries"] = timings
    return result


def repeat(run: Callable[[], int], runs: int, *, limit: float | None) -> dict[str, Any]:
    """One warm-up (reported as ``first_s``), then ``runs`` timed runs; their median.

    With a ``limit``, runs stop once the time spent exceeds it (at least one run is kept),
    so a slow engine is still measured without taking hours.
    """
    start = time.perf_counter()
    rows = run()
    first = time.perf_counter() - start
    times: list[float] = []
    spent = first
    for _ in range(runs):
        if limit is not None and spent > limit:
            break
        start = time.perf_counter()
        rows = run()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
    if not times:
        times = [first]
    return {
        "first_s": first,
        "median_s": statistics.median(times),
        "runs": len(times),
        "rows": rows,
    }


# ---------------------------------------------------------------------------------------------
# Child: the engine floor (pyoxigraph on the build's own N-Quads)
# ---------------------------------------------------------------------------------------------


def vm_rss_mb() -> float | None:
    """This process's resident memory now, from /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def child_floor(project_dir: Path) -> dict[str, Any]:
    """Parse-only (median of 3), then an in-memory store loaded and held: its load time and
    the resident memory of this process holding it."""
    import gc

    import pyoxigraph as ox

    nquads = str(project_dir / "dist" / "tradekg.nq")
    times, quads = [], 0
    for _ in range(3):
        start = time.perf_counter()
        quads = sum(1 for _ in ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS))
        times.append(time.perf_counter() - start)
    gc.collect()
    start = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    memory_load = time.perf_counter() - start
    held = len(store)
    return {
        "parse_s": statistics.median(times),
        "parse_runs_s": times,
        "quads": quads,
        "memory_load_s": memory_load,
        "memory_store_quads": held,
        "memory_store_rss_mb": vm_rss_mb(),
    }


# ---------------------------------------------------------------------------------------------
# Child: the naive baseline (rdflib + rdflib SPARQL + pyshacl)
# ---------------------------------------------------------------------------------------------


class StageTimeout(Exception):
    """A baseline stage ran past its limit."""


@dataclass
class Limit:
    """A per-stage time limit, enforced with SIGALRM (rdflib and pyshacl are pure Python,
    so the signal interrupts them between bytecodes)."""

    seconds: float

    def __enter__(self) -> Limit:
        def fire(signum: int, frame: FrameType | None) -> None:
            raise StageTimeout

        signal.signal(signal.SIGALRM, fire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)


def child_baseline(
    project_dir: Path, runs: int, limit: float, answer: Path | None = None
) -> dict[str, Any]:
    """Parse the dist N-Quads with rdflib, query with rdflib, validate with pyshacl."""
    import rdflib

    result: dict[str, Any] = {"limit_s": limit}
    nquads = project_dir / "dist" / "tradekg.nq"
    dataset = rdflib.Dataset(default_union=True)
    try:
        with Limit(limit):
            start = time.perf_counter()
            dataset.parse(str(nquads), format="nquads")
            result["parse_s"] = time.perf_counter() - start
    except StageTimeout:
        result["parse_s"] = None
        result["parse_note"] = f"not run: > {limit:.0f} s limit"
        return result

    queries, skipped = saved_queries(project_dir)
    result["skipped_queries"] = skipped
    timings: dict[str, Any] = {}
    for name, text in queries.items():

        def run(text: str = text) -> int:
            answer = dataset.query(text)
            if answer.type == "ASK":
                return int(bool(answer.askAnswer))
            return sum(1 for _ in answer)

        result["queries"] = timings
        save_partial(answer, result)
        try:
            with Limit(limit):
                timings[name] = repeat(run, runs, limit=limit / 2)
        except StageTimeout:
            timings[name] = {"median_s": None, "note": f"not run: > {limit:.0f} s limit"}
    result["queries"] = timings

    shape_files = sorted((project_dir / "shapes").glob("*.ttl"))
    if not shape_files:
        result["validate_note"] = "no shapes in shapes/"
        return result
    import pyshacl

    try:
        with Limit(limit):
            start = time.perf_counter()
            union = rdflib.Graph()
            for triple in dataset.triples((None, None, None)):
                union.add(triple)
            shapes = rdflib.Graph()
            for path in shape_files:
                shapes.parse(str(path), format="turtle")
            conforms, _graph, _text = pyshacl.validate(
                union, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
            )
            result["validate_s"] = time.perf_counter() - start
            result["validate_conforms"] = bool(conforms)
    except StageTimeout:
        result["validate_s"] = None
        result["validate_note"] = f"not run: > {limit:.0f} s limit"
    return result


# ---------------------------------------------------------------------------------------------
# One size, end to end
# ---------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    notes: int
    quads: int = 0
    generate_s: float = 0.0
    ours: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] = field(default_factory=dict)
    ratios: dict[str, float | None] = field(default_factory=dict)
    floor: dict[str, Any] = field(default_factory=dict)


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


def edit_one_note(project_dir: Path) -> Path:
    """Change one rate in the middle note, as an author fixing a number would."""
    notes = sorted((project_dir / "data" / "notes").rglob("*.yaml"))
    path = notes[len(notes) // 2]
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^(\s+rate: )(\S+)$", text, flags=re.MULTILINE)
    if match:
        new = f"{match.group(1)}{float(match.group(2)) + 0.5:g}"
        text = text[: match.start()] + new + text[match.end() :]
    else:
        text = text.replace('title: "', 'title: "Edited: ', 1)
    path.write_text(text, encoding="utf-8")
    return path


class WatchedOutput:
    """The lines a ``tradekg build --watch`` child prints, each with when it was read."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        import queue
        import threading

        self.lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self.seen: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                self.lines.put((time.perf_counter(), line.rstrip("\n")))
            self.lines.put(None)

        threading.Thread(target=read, daemon=True).start()

    def until(self, pattern: str, timeout: float) -> float:
        """When the first line matching ``pattern`` was read (perf_counter)."""
        import queue

        wanted = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        while True:
            try:
                got = self.lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise TimeoutError(f"no line matching {pattern!r} in {timeout:.0f} s") from None
            if got is None:
                raise TimeoutError(f"the watch ended before printing {pattern!r}")
            self.seen.append(got[1])
            if wanted.search(got[1]):
                return got[0]


def measure_watch(project_dir: Path, *, timeout: float, edits: int = 3) -> dict[str, Any]:
    """``tradekg build --watch``: seconds from saving a note to the line that answers it.

    On a built project: ``edits`` one-note edits (:func:`edit_one_note`), each timed from the
    end of the file's write to the ``ok:`` line (the store, dumps and name index are then
    up to date); then a bad value, timed to its ``file:line: error`` line; then the fix.
    """
    args = tradekg("build", "--watch", "--project", str(project_dir))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, encoding="utf-8", env=env,
    )  # fmt: skip
    output = WatchedOutput(process)
    out: dict[str, Any] = {}
    try:
        output.until(r"^watching ", timeout)
        answers: list[float] = []
        for _ in range(edits):
            edit_one_note(project_dir)
            saved = time.perf_counter()
            answers.append(output.until(r"^(ok|failed): ", timeout) - saved)
        out["ok_s"] = statistics.median(answers)
        out["ok_runs_s"] = answers
        out["ok_line"] = output.seen[-1]
        notes = sorted((project_dir / "data" / "notes").rglob("*.yaml"))
        path = notes[len(notes) // 2]
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^(\s+rate: )(\S+)$", text, flags=re.MULTILINE)
        if match:
            line = text.count("\n", 0, match.start(2)) + 1
            file = re.escape(path.relative_to(project_dir).as_posix())
            bad = text[: match.start(2)] + "not-a-number" + text[match.end(2) :]
            path.write_text(bad, encoding="utf-8")
            saved = time.perf_counter()
            out["error_s"] = output.until(rf"^{file}:{line}:\d+: error: ", timeout) - saved
            out["failed_line_s"] = output.until(r"^failed: ", timeout) - saved
            path.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            out["fixed_s"] = output.until(r"^ok: ", timeout) - saved
        else:
            out["error_note"] = "no rate to break in the edited note"
    except TimeoutError as error:
        out["error"] = f"{error}; the watch printed: {output.seen[-20:]}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            out["exit"] = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out["exit"] = process.wait()
    return out


#: The names a researcher types for a parameter (issue: resolved ≤ 50 ms each at 10,000 notes).
PARAMETER_NAMES = ("United States", "usa", "Vietnam", "South Korea", "2846", "hs:2846")

_NAMES_SCRIPT = """
import json, statistics, sys, time
from pathlib import Path
import pyoxigraph as ox
from loader.query.names import load_names
dist = Path(sys.argv[1])
start = time.perf_counter()
names = load_names(ox.Store.read_only(str(dist / "store")), dist)
loaded = time.perf_counter() - start
times = {}
for text in json.loads(sys.argv[2]):
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        try:
            names.resolve(text)
        except LookupError:
            pass
        runs.append(time.perf_counter() - t)
    times[text] = statistics.median(runs)
print(json.dumps({"load_s": loaded, "per_name_s": times}))
"""


def measure_names(project_dir: Path) -> dict[str, Any]:
    """Resolving the names people type for parameters, in a fresh process on the built
    corpus: the index's load, then each name (median of 5)."""
    child = run_child(
        [
            sys.executable,
            "-c",
            _NAMES_SCRIPT,
            str(project_dir / "dist"),
            json.dumps(PARAMETER_NAMES),
        ],
        timeout=300,
    )
    if child.returncode != 0:
        return {"error": child.stderr[-2000:]}
    found = json.loads(child.stdout.strip().splitlines()[-1])
    per_name = found["per_name_s"]
    return {
        "index_load_s": found["load_s"],
        "slowest_name_s": max(per_name.values()),
        "per_name_s": per_name,
        "goal_s": 0.05,
    }


def measure_search(project_dir: Path) -> dict[str, Any]:
    """The site's search: the size of its index, and the time headless Chromium takes to
    open ``index.html?q=vietnam`` and show its results (when Chromium is installed)."""
    site = project_dir / "dist" / "site"
    index = site / "assets" / "search-index.js"
    if not index.is_file():
        return {"note": "no site built"}
    found: dict[str, Any] = {"index_bytes": index.stat().st_size, "goal_bytes_1000": 2_000_000}
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        found["first_result_s"] = None
        found["note"] = "Chromium not installed: time to first result not measured"
        return found
    with tempfile.TemporaryDirectory() as profile:
        url = (site / "index.html").as_uri() + "?q=vietnam"
        args = [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ]
        walls = []
        for _ in range(3):
            child = run_child(args, timeout=120)
            if child.returncode == 0 and 'id="results"' in child.stdout:
                walls.append(child.wall_s)
    found["first_result_s"] = statistics.median(walls) if walls else None
    found["goal_s_10000"] = 0.1
    found["note"] = "a whole headless Chromium start, load and search: an upper bound"
    return found


def measure_cli_queries(project_dir: Path, names: Sequence[str], runs: int) -> dict[str, Any]:
    """``tradekg query NAME`` (the default table, as people run it) per saved query: one
    warm-up, then the median of ``runs`` runs, each a fresh process."""
    out: dict[str, Any] = {}
    for name in names:
        args = tradekg("query", name, "--project", str(project_dir))
        first = run_child(args, timeout=600)
        walls = [run_child(args, timeout=600).wall_s for _ in range(runs)]
        out[name] = {
            "first_s": first.wall_s,
            "median_s": statistics.median(walls) if walls else first.wall_s,
            "runs": len(walls),
            "returncode": first.returncode,
            "error": first.stderr[-1000:] if first.returncode else None,
        }
    return out


def measure_load(project_dir: Path, quads: int, work: Path) -> dict[str, Any]:
    """``tradekg load`` into a fresh on-disk Oxigraph server, then the same again (an
    unchanged build); and one raw bulk POST into another fresh server."""
    from loader.store.server import start_server

    out: dict[str, Any] = {}
    if cli_supports("load"):
        server = start_server(location=work / "oxigraph-load")
        try:
            for key in ("tradekg_load", "tradekg_reload"):
                result = run_child(
                    tradekg("load", "--endpoint", server.url, "--project", str(project_dir))
                )
                out[key] = {
                    "wall_s": result.wall_s,
                    "triples_per_s": quads / result.wall_s if result.returncode == 0 else None,
                    "returncode": result.returncode,
                    "maxrss_mb": result.maxrss_mb,
                    "summary": result.stderr.strip().splitlines()[-1:],
                    "error": result.stderr[-2000:] if result.returncode else None,
                }
            out["server_vmhwm_mb"] = vm_hwm_mb(server.process.pid)
        finally:
            server.stop()
    else:
        out["tradekg_load"] = {"note": "not available: no `tradekg load` command"}

    server = start_server(location=work / "oxigraph-raw")
    try:
        nquads = project_dir / "dist" / "tradekg.nq"
        with nquads.open("rb") as body:
            request = urllib.request.Request(
                server.store_endpoint,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/n-quads",
                    "Content-Length": str(nquads.stat().st_size),
                },
            )
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=3600) as response:
                response.read()
            wall = time.perf_counter() - start
        out["raw_post"] = {"wall_s": wall, "triples_per_s": quads / wall}
    finally:
        server.stop()
    return out


def measure_size(
    notes: int,
    work: Path,
    *,
    runs: int,
    limit: float,
    run_baseline: bool,
    seed: int,
    source: Path = REPO_ROOT,
    build_timeout: float | None = None,
    build_only: bool = False,
) -> SizeResult:
    """Measure every row at ``notes`` notes; ``build_only``: the builds, their floor and
    memory (what the scaling rows compare), not the commands, queries, load or baseline."""
    result = SizeResult(notes=notes)
    project = work / f"corpus-{notes}"
    log(f"{notes} notes: generating into {project}")
    start = time.perf_counter()
    generate(notes, project, seed=seed, source=source)
    result.generate_s = time.perf_counter() - start

    # -- ours: full build ---------------------------------------------------------------------
    shutil.rmtree(project / ".tradekg-cache", ignore_errors=True)
    shutil.rmtree(project / "dist", ignore_errors=True)
    full_flag = ["--full"] if cli_supports("build", "--full") else []
    timing_flag = ["--timings"] if cli_supports("build", "--timings") else []
    log(f"{notes} notes: tradekg build {' '.join(full_flag + timing_flag)}")
    build = run_child(
        tradekg("build", "--project", str(project), "--quiet", *full_flag, *timing_flag),
        timeout=build_timeout,
    )
    if build.timed_out:
        result.ours["build"] = {
            "wall_s": None,
            "maxrss_mb": build.maxrss_mb,
            "stages": {},
            "note": f"did not finish in {build_timeout:.0f} s",
        }
        log(f"{notes} notes: the build did not finish in {build_timeout} s; nothing else measured")
        return result
    if build.returncode != 0:
        raise SystemExit(f"tradekg build failed on the corpus:\n{build.stderr[-4000:]}")
    manifest = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    result.quads = int(
        manifest.get("quads") or sum(int(g["triples"]) for g in manifest.get("graphs", []))
    )
    result.ours["build"] = {
        "wall_s": build.wall_s,
        "maxrss_mb": build.maxrss_mb,
        "process_peak_mb": build.process_peak_mb,
        "stages": parse_timings(build.stderr),
    }

    # -- the floor: pyoxigraph on the same N-Quads --------------------------------------------
    log(f"{notes} notes: the engine floor (pyoxigraph parse, in-memory load and RSS)")
    result.floor = child_json("floor", project, runs=runs, limit=limit)

    # -- ours: rebuild with nothing changed ---------------------------------------------------
    log(f"{notes} notes: rebuild with nothing changed")
    same = run_child(
        tradekg("build", "--project", str(project), "--quiet", *timing_flag), timeout=build_timeout
    )
    result.ours["rebuild_unchanged"] = {
        "wall_s": same.wall_s if same.returncode == 0 else None,
        "maxrss_mb": same.maxrss_mb,
        "stages": parse_timings(same.stderr),
        "error": same.stderr[-2000:] if same.returncode else None,
    }

    # -- ours: rebuild after editing one note -------------------------------------------------
    incremental = bool(full_flag) or importlib.util.find_spec("loader.build.pipeline") is not None
    edited = edit_one_note(project)
    log(f"{notes} notes: rebuild after editing {edited.name}")
    rebuild = run_child(
        tradekg("build", "--project", str(project), "--quiet", *timing_flag), timeout=build_timeout
    )
    result.ours["rebuild"] = {
        "incremental": incremental,
        "wall_s": rebuild.wall_s if rebuild.returncode == 0 else None,
        "maxrss_mb": rebuild.maxrss_mb,
        "stages": parse_timings(rebuild.stderr),
        "note": None if incremental else "not available: no incremental build (a full build)",
        "error": rebuild.stderr[-2000:] if rebuild.returncode else None,
    }

    # -- ours: build --watch, from a save to the line that answers it -----------------------
    if cli_supports("build", "--watch"):
        log(f"{notes} notes: tradekg build --watch, one-note edits and a bad value")
        result.ours["watch"] = measure_watch(project, timeout=build_timeout or 600)
    else:
        result.ours["watch"] = {"note": "not available: no `tradekg build --watch`"}

    if build_only:
        result.ours["skipped"] = "not measured: size above --build-only-above"
        result.baseline = {"note": "not run: size above --build-only-above"}
        result.ratios = ratios(result)
        return result

    # -- ours: validate command ---------------------------------------------------------------
    if cli_supports("validate"):
        log(f"{notes} notes: tradekg validate")
        validate = run_child(tradekg("validate", "--project", str(project)), timeout=build_timeout)
        result.ours["validate_cli"] = {
            "wall_s": validate.wall_s,
            "returncode": validate.returncode,
            "maxrss_mb": validate.maxrss_mb,
            "summary": validate.stdout.strip().splitlines()[-1:],
            "error": validate.stderr[-2000:] if validate.returncode not in (0, 1) else None,
        }
        # -- the strong peer, right beside it: Apache Jena SHACL on the same scope ----------
        log(f"{notes} notes: Apache Jena SHACL on the same data and shapes")
        result.ours["jena"] = measure_jena(
            project, work / f"jena-{notes}", timeout=build_timeout or 1800
        )
    else:
        result.ours["validate_cli"] = {"note": "not available: no `tradekg validate` command"}
        result.ours["jena"] = {"note": "not measured: no `tradekg validate` to compare with"}

    # -- ours: the browsable site ------------------------------------------------------------
    if cli_supports("site"):
        log(f"{notes} notes: tradekg site")
        site = run_child(tradekg("site", "--project", str(project)), timeout=build_timeout)
        result.ours["site"] = {
            "wall_s": site.wall_s if site.returncode == 0 else None,
            "maxrss_mb": site.maxrss_mb,
            "process_peak_mb": site.process_peak_mb,
            "error": site.stderr[-2000:] if site.returncode else None,
        }
        result.ours["search"] = measure_search(project)
        result.ours["site_update"] = measure_site_update(project, timeout=build_timeout)
    else:
        result.ours["site"] = {"note": "not available: no `tradekg site` command"}
        result.ours["site_update"] = {"note": "not available: no `tradekg site` command"}

    # -- ours: the names people type for parameters -------------------------------------------
    log(f"{notes} notes: resolving parameter names")
    result.ours["names"] = measure_names(project)

    # -- ours: show one thing (the party the corpus names most: the saved queries' USA) ------
    if cli_supports("show"):
        log(f"{notes} notes: tradekg show USA")
        walls = []
        for _ in range(3):
            shown = run_child(tradekg("show", "USA", "--project", str(project)), timeout=120)
            walls.append(shown.wall_s if shown.returncode == 0 else None)
        done = [w for w in walls if w is not None]
        result.ours["show"] = {
            "median_s": statistics.median(done) if done else None,
            "runs": len(done),
            "goal_s": 0.3,
            "note": None if done else f"not measured: it failed: {shown.stderr[-500:]}",
        }
    else:
        result.ours["show"] = {"note": "not available: no `tradekg show` command"}

    # -- ours: index + queries (child) --------------------------------------------------------
    log(f"{notes} notes: index and saved queries on the embedded store")
    result.ours.update(child_json("ours", project, runs=runs, limit=limit))
    log(f"{notes} notes: saved queries through the CLI")
    result.ours["cli_queries"] = measure_cli_queries(
        project, list(result.ours.get("queries", {})), runs=min(runs, 3)
    )

    # -- ours: load into a real Oxigraph server -----------------------------------------------
    log(f"{notes} notes: load into Oxigraph")
    result.ours["load"] = measure_load(project, result.quads, work / f"oxigraph-{notes}")

    # -- baseline -----------------------------------------------------------------------------
    if run_baseline:
        log(f"{notes} notes: baseline (rdflib + pyshacl), {limit:.0f} s limit per stage")
        result.baseline = child_json("baseline", project, runs=runs, limit=limit)
    else:
        result.baseline = {"note": "not run: size above --skip-baseline-above"}
    result.ratios = ratios(result)
    return result


def measure_site_update(project_dir: Path, *, timeout: float | None) -> dict[str, Any]:
    """The site brought up to date after a one-note edit: on a built project with its site,
    edit one note, rebuild (CLI), then time ``tradekg site`` (the row's measure)."""
    edited = edit_one_note(project_dir)
    log(f"site after an edit: rebuild after editing {edited.name}, then tradekg site")
    rebuild = run_child(tradekg("build", "--project", str(project_dir), "--quiet"), timeout=timeout)
    if rebuild.returncode != 0:
        return {"note": "not measured: the rebuild failed", "error": rebuild.stderr[-2000:]}
    site = run_child(tradekg("site", "--project", str(project_dir)), timeout=timeout)
    return {
        "rebuild_s": rebuild.wall_s,
        "wall_s": site.wall_s if site.returncode == 0 else None,
        "maxrss_mb": site.maxrss_mb,
        "note": None if site.returncode == 0 else "not measured: tradekg site failed",
        "error": site.stderr[-2000:] if site.returncode else None,
    }


def child_json(kind: str, project: Path, *, runs: int, limit: float) -> dict[str, Any]:
    """Run one pipeline in its own process; its JSON answer plus its peak memory."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        answer = Path(handle.name)
    try:
        args = [
            sys.executable, "-m", "bench.run", "--child", kind, "--project", str(project),
            "--answer", str(answer), "--runs", str(runs), "--baseline-limit", str(limit),
        ]  # fmt: skip
        # The child's own limits stop each stage; this only guards against a hang.
        proc = run_child(args, timeout=limit * 6 + 600)
        data: dict[str, Any] = {}
        if answer.stat().st_size:
            data = json.loads(answer.read_text(encoding="utf-8"))
        if proc.returncode != 0:
            data["error"] = proc.stderr[-3000:] or f"exit code {proc.returncode}"
        data["process_wall_s"] = proc.wall_s
        data["maxrss_mb"] = proc.maxrss_mb
        return data
    finally:
        answer.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Ratios and reports
# ---------------------------------------------------------------------------------------------


def _stage(stages: dict[str, float], *needles: str) -> float | None:
    """The sum of the build's stage timings whose name contains any of ``needles``."""
    found = [v for k, v in stages.items() if any(n in k.lower() for n in needles)]
    return sum(found) if found else None


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def ratios(result: SizeResult) -> dict[str, float | None]:
    """Baseline time / our time for each comparable stage (above 1: we are faster)."""
    ours, base = result.ours, result.baseline
    stages: dict[str, float] = ours.get("build", {}).get("stages", {})
    out: dict[str, float | None] = {}
    out["load data (rdflib parse / oxigraph index)"] = _div(
        base.get("parse_s"), ours.get("index_s")
    )
    out["validate (pyshacl / ours)"] = _div(base.get("validate_s"), _stage(stages, "validat"))
    for name, timing in ours.get("queries", {}).items():
        base_q = base.get("queries", {}).get(name, {})
        out[f"query {name}"] = _div(base_q.get("median_s"), timing.get("median_s"))
    out["total"] = _div(baseline_total(result), ours_total(result))
    return out


def ours_total(result: SizeResult) -> float | None:
    """Full build (incl. validation, export, index) + one run of every saved query."""
    build = result.ours.get("build", {}).get("wall_s")
    queries = [q.get("median_s") for q in result.ours.get("queries", {}).values()]
    if build is None or any(q is None for q in queries):
        return None
    return float(build) + sum(float(q) for q in queries)


def baseline_total(result: SizeResult) -> float | None:
    """Parse + validation + one run of every saved query; None when a stage did not finish."""
    base = result.baseline
    if "parse_s" not in base:
        return None
    parts: list[Any] = [base.get("parse_s"), base.get("validate_s", 0.0)]
    parts += [q.get("median_s") for q in base.get("queries", {}).values()]
    if any(p is None for p in parts):
        return None
    return sum(float(p) for p in parts)


@dataclass(frozen=True)
class Goal:
    """One row of the speed issue's goal table, as measured in this run."""

    measure: str
    goal: str
    measured: str
    ratio: str
    ok: bool | None

    @property
    def mark(self) -> str:
        return "–" if self.ok is None else ("✓" if self.ok else "✗")


def _get(section: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(section, dict):
            return None
        section = section.get(key)  # type: ignore[assignment]
    return section


def empty_queries(result: SizeResult) -> list[str]:
    """Saved queries that answered no rows (engine) or whose CLI run failed."""
    bad = [n for n, q in result.ours.get("queries", {}).items() if not q.get("rows")]
    bad += [
        n
        for n, q in result.ours.get("cli_queries", {}).items()
        if q.get("returncode") and n not in bad
    ]
    return bad


def not_measured(result: SizeResult, section: str) -> str:
    """Why a row has no value: the note or error ``ours[section]`` recorded (its first
    line), else why the size skipped it."""
    found = result.ours.get(section)
    if isinstance(found, dict):
        for key in ("note", "error_note", "error"):
            lines = str(found.get(key) or "").strip().splitlines()
            if lines:
                return lines[0] if lines[0].startswith("not ") else f"not measured: {lines[0]}"
    return str(result.ours.get("skipped") or "not measured")


def goal_rows(result: SizeResult) -> list[Goal]:
    """The goal table of the speed issue: every row a ratio measured in this run (to the
    floor, to the cold build, to Jena) or, for the watch's error and the site's update and
    ``show``, a time; a row without a value says why and is never marked as met."""
    ours, floor = result.ours, result.floor
    parse = floor.get("parse_s")
    mem_load, disk_load = floor.get("memory_load_s"), ours.get("index_s")
    build_floor = parse + mem_load + disk_load if parse and mem_load and disk_load else None
    cold = _get(ours, "build", "wall_s")
    rows: list[Goal] = []

    def ratio_row(measure: str, goal: str, value: float | None, base: float | None,
                  limit: float, *, why: str, extra: str = "",
                  ok_extra: bool = True) -> None:  # fmt: skip
        ratio = _div(value, base)
        shown = why if value is None else _fmt(value) + extra
        if value is not None and base is None:
            shown += " (nothing to compare with)"
        ok = None if ratio is None else (ratio <= limit and ok_extra)
        rows.append(Goal(measure, goal, shown, _fmt(ratio, "x"), ok))

    def time_row(measure: str, goal_s: float, value: float | None, *, why: str,
                 extra: str = "") -> None:  # fmt: skip
        shown = why if value is None else _fmt(value) + extra
        ok = None if value is None else value <= goal_s
        rows.append(Goal(measure, f"≤ {goal_s:g} s", shown, "", ok))

    ratio_row(
        "cold full build incl. validation, CLI",
        f"≤ 1.3× floor (parse + in-memory load + on-disk bulk load = {_fmt(build_floor)})",
        cold,
        build_floor,
        1.3,
        why=not_measured(result, "build"),
    )
    build_rss, store_rss = _get(ours, "build", "maxrss_mb"), floor.get("memory_store_rss_mb")
    largest = _get(ours, "build", "process_peak_mb")
    rss_ratio = _div(build_rss, store_rss)
    rows.append(
        Goal(
            "peak memory of the cold build, summed over all its processes",
            f"≤ 1.5× a process holding an in-memory store ({_fmt(store_rss, 'MB')})",
            (
                f"{_fmt(build_rss, 'MB')} summed (largest single process "
                f"{_fmt(largest, 'MB')} = {_fmt(_div(largest, store_rss), 'x')})"
            )
            if build_rss
            else not_measured(result, "build"),
            _fmt(rss_ratio, "x"),
            None if rss_ratio is None else rss_ratio <= 1.5,
        )
    )
    same_rss = _get(ours, "rebuild_unchanged", "maxrss_mb")
    ratio_row(
        "rebuild with nothing changed",
        f"≤ 0.25× parse-only ({_fmt(parse)}) and ≤ 200 MB",
        _get(ours, "rebuild_unchanged", "wall_s"),
        parse,
        0.25,
        why=not_measured(result, "rebuild_unchanged"),
        extra=f", {_fmt(same_rss, 'MB')}",
        ok_extra=same_rss is not None and same_rss <= 200,
    )
    ratio_row(
        "rebuild after editing one note, CLI",
        "≤ 0.5× parse-only",
        _get(ours, "rebuild", "wall_s"),
        parse,
        0.5,
        why=not_measured(result, "rebuild"),
    )
    watch = ours.get("watch", {})
    ratio_row(
        "build --watch: save of a one-note edit → 'ok' (store, dumps, index updated)",
        "≤ 0.25× parse-only",
        watch.get("ok_s"),
        parse,
        0.25,
        why=not_measured(result, "watch"),
    )
    time_row(
        "build --watch: save of a bad value → its file:line printed",
        1.0,
        watch.get("error_s"),
        why=not_measured(result, "watch"),
    )
    site = ours.get("site", {})
    site_mem = (
        f"; peak {_fmt(site.get('maxrss_mb'), 'MB')} summed, largest process "
        f"{_fmt(site.get('process_peak_mb'), 'MB')}"
    )
    ratio_row(
        "tradekg site, cold (after the cold build)",
        f"≤ 1× the cold build ({_fmt(cold)}), bounded memory",
        site.get("wall_s"),
        cold,
        1.0,
        why=not_measured(result, "site"),
        extra=site_mem,
    )
    update = ours.get("site_update", {})
    time_row(
        "tradekg site after a one-note edit and rebuild",
        3.0,
        update.get("wall_s"),
        why=not_measured(result, "site_update"),
        extra=f" (the rebuild before it: {_fmt(update.get('rebuild_s'))})",
    )
    show = ours.get("show", {})
    time_row(
        f"tradekg show USA, fresh process, median of {show.get('runs') or 3}",
        0.3,
        show.get("median_s"),
        why=not_measured(result, "show"),
    )
    jena, vcli = ours.get("jena", {}), ours.get("validate_cli", {})
    mine = vcli.get("wall_s") if vcli.get("returncode") in (0, 1) else None
    theirs = jena.get("wall_s")
    ratio_row(
        "tradekg validate vs Apache Jena SHACL (same scope as tests/test_shacl_jena.py)",
        "≤ 0.5× Jena's time"
        + (f" ({_fmt(theirs)}, {_fmt(jena.get('maxrss_mb'), 'MB')})" if theirs else ""),
        mine if theirs else None,
        theirs,
        0.5,
        why=not_measured(result, "jena" if mine is not None else "validate_cli"),
        extra=f", {_fmt(vcli.get('maxrss_mb'), 'MB')}",
    )
    cli = ours.get("cli_queries", {})
    if cli:
        slowest = max(cli, key=lambda n: cli[n].get("median_s") or 0.0)
        ratio_row(
            "every saved query, CLI, median",
            "≤ 0.8× parse-only (the slowest query)",
            cli[slowest].get("median_s"),
            parse,
            0.8,
            why=not_measured(result, "cli_queries"),
            extra=f" ({slowest})",
        )
    empty = empty_queries(result)
    answered = len(ours.get("queries", {})) - len(empty)
    rows.append(
        Goal(
            "every saved query answers rows",
            "all of them",
            f"{answered} of {len(ours.get('queries', {}))}"
            + (f"; no rows: {', '.join(empty)}" if empty else ""),
            "",
            None if not ours.get("queries") else not empty,  # None: not measured here
        )
    )
    load_s, raw_s = (
        _get(ours, "load", "tradekg_load", "wall_s"),
        _get(ours, "load", "raw_post", "wall_s"),
    )
    speed = _div(raw_s, load_s)
    rows.append(
        Goal(
            "tradekg load into an on-disk Oxigraph server",
            f"≥ 0.9× the speed of one raw POST ({_fmt(raw_s)}), every graph atomic",
            _fmt(load_s),
            _fmt(speed, "x"),
            None if speed is None else speed >= 0.9,
        )
    )
    reload = _get(ours, "load", "tradekg_reload") or {}
    summary = " ".join(reload.get("summary") or [])
    rows.append(
        Goal(
            "tradekg load again, build unchanged",
            "sends nothing",
            _fmt(reload.get("wall_s")) + (f" — {summary}" if summary else ""),
            "",
            None if not reload else "sent 0 triples" in summary,
        )
    )
    return rows


def scaling_goals(results: Sequence[SizeResult]) -> list[Goal]:
    """Build time and peak memory per quad, largest size against smallest (linear: ≤ 1.25×)."""
    done = [r for r in results if r.quads and _get(r.ours, "build", "wall_s")]
    if len(done) < 2:
        return []
    small, large = done[0], done[-1]
    rows = []
    for label, key, unit in (
        ("build time", "wall_s", "s"),
        ("build peak memory", "maxrss_mb", "MB"),
    ):
        a = _get(small.ours, "build", key) / small.quads * 1e6
        b = _get(large.ours, "build", key) / large.quads * 1e6
        rows.append(
            Goal(
                f"scaling: {label} per million quads",
                f"linear: {large.notes:,} notes ≤ 1.25× {small.notes:,} notes",
                f"{_fmt(a, unit)} → {_fmt(b, unit)}",
                _fmt(b / a, "x"),
                b / a <= 1.25,
            )
        )
    return rows


def query_rows(result: SizeResult) -> list[tuple[str, str, str, str, str, str]]:
    """Per saved query: rows, engine median, CLI median, CLI / parse-only, mark."""
    parse = result.floor.get("parse_s")
    cli = result.ours.get("cli_queries", {})
    rows = []
    for name, timing in result.ours.get("queries", {}).items():
        median = cli.get(name, {}).get("median_s")
        ratio = _div(median, parse)
        ok = bool(timing.get("rows")) and ratio is not None and ratio <= 0.8
        rows.append(
            (
                name,
                str(timing.get("rows")),
                _fmt(timing.get("median_s")),
                _fmt(median),
                _fmt(ratio, "x"),
                "✓" if ok else "✗",
            )
        )
    return rows


def _fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "–"
    if unit == "s":
        if value < 1:
            return f"{value * 1000:.1f} ms"
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "x":  # two digits below 1, so that 0.46× is not read as the 0.5× goal
        return f"{value:.2f}×" if value < 1 else f"{value:.1f}×"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.0f} {unit}"


def _measured(section: dict[str, Any], key: str) -> str:
    """The time ``section`` measured under ``key``, or why there is none."""
    return _fmt(section.get(key)) if section.get(key) else _why(section, key)


def _why(section: dict[str, Any], key: str) -> str:
    note = section.get(key.replace("_s", "_note")) or section.get("note")
    return str(note) if note else "–"


def stage_rows(result: SizeResult) -> list[tuple[str, str, str, str]]:
    """(stage, ours, baseline, baseline/ours) rows of one size's table."""
    ours, base = result.ours, result.baseline
    stages: dict[str, float] = ours.get("build", {}).get("stages", {})
    rows: list[tuple[str, str, str, str]] = []
    for name, seconds in stages.items():
        rows.append((f"build: {name}", _fmt(seconds), "", ""))
    rows.append(
        ("build: total (CLI, cold, incl. validation)", _fmt(ours["build"]["wall_s"]), "", "")
    )
    rebuild = ours.get("rebuild", {})
    label = "rebuild after editing one note" + ("" if rebuild.get("incremental") else " (full)")
    rows.append((label, _fmt(rebuild.get("wall_s")), "", ""))
    watch = ours.get("watch", {})
    runs = ", ".join(_fmt(s) for s in watch.get("ok_runs_s", []))
    rows.append(("build --watch: save → ok line, median" + (f" of {runs}" if runs else ""),
                 _fmt(watch.get("ok_s")), "", ""))  # fmt: skip
    rows.append(("build --watch: save → bad value's file:line", _fmt(watch.get("error_s")), "", ""))
    vcli = ours.get("validate_cli", {})
    rows.append(
        (
            "tradekg validate (CLI)",
            f"{_fmt(vcli.get('wall_s'))} (exit {vcli.get('returncode')})"
            if "wall_s" in vcli
            else vcli.get("note", "–"),
            "",
            "",
        )
    )
    jena = ours.get("jena", {})
    scopes = jena.get("scopes", {})
    triples = sum(int(v.get("triples", 0)) for v in scopes.values())
    counts = " ".join(vcli.get("summary") or []).rpartition(": ")[2].rstrip(".")
    rows.append(
        (
            "validate: tradekg validate (CLI) / Apache Jena SHACL, both runs "
            f"({triples:,} triples; inputs written in {_fmt(jena.get('prepare_s'))}, not counted)",
            f"{_fmt(vcli['wall_s'])} ({counts})" if "wall_s" in vcli else vcli.get("note", "–"),
            f"{_fmt(jena['wall_s'])}, {jena.get('results')} results, "
            f"{_fmt(jena.get('maxrss_mb'), 'MB')}"
            if jena.get("wall_s")
            else str(jena.get("note", "–")),
            _fmt(_div(jena.get("wall_s"), vcli.get("wall_s")), "x"),
        )
    )
    base_parse = _measured(base, "parse_s")
    rows.append(
        (
            "load N-Quads into a query engine",
            _fmt(ours.get("index_s")),
            base_parse,
            _fmt(result.ratios.get("load data (rdflib parse / oxigraph index)"), "x"),
        )
    )
    base_val = _measured(base, "validate_s")
    rows.append(
        (
            "validate",
            _fmt(_stage(stages, "validat")),
            base_val,
            _fmt(result.ratios.get("validate (pyshacl / ours)"), "x"),
        )
    )
    for name, timing in ours.get("queries", {}).items():
        base_q = base.get("queries", {}).get(name, {})
        if base_q.get("median_s") is not None:
            shown = f"{_fmt(base_q.get('median_s'))} ({base_q.get('rows')} rows)"
        else:
            shown = str(base_q.get("note", "–"))
        rows.append(
            (
                f"query {name} (median of {timing.get('runs')})",
                f"{_fmt(timing.get('median_s'))} ({timing.get('rows')} rows)",
                shown,
                _fmt(result.ratios.get(f"query {name}"), "x"),
            )
        )
    load = ours.get("load", {})
    tload = load.get("tradekg_load", {})
    rows.append(
        (
            "tradekg load → Oxigraph server",
            f"{_fmt(tload.get('wall_s'))}, {_fmt(tload.get('triples_per_s'), 'triples/s')}"
            if tload.get("wall_s")
            else str(tload.get("note", "–")),
            "",
            "",
        )
    )
    raw = load.get("raw_post", {})
    rows.append(
        (
            "raw POST of the N-Quads → Oxigraph",
            f"{_fmt(raw.get('wall_s'))}, {_fmt(raw.get('triples_per_s'), 'triples/s')}",
            "",
            "",
        )
    )
    site = ours.get("site", {})
    cold = ours.get("build", {}).get("wall_s")
    rows.append(
        (
            "tradekg site (a page per thing, charts; vs the cold build)",
            _measured(site, "wall_s"),
            "",
            _fmt(_div(site.get("wall_s"), cold), "x"),
        )
    )
    update = ours.get("site_update", {})
    rows.append(
        (
            "tradekg site after a one-note edit and rebuild",
            _measured(update, "wall_s"),
            "",
            "",
        )
    )
    search = ours.get("search", {})
    if search.get("index_bytes"):
        rows.append(
            (
                "site search index (goal ≤ 2 MB at 1,000 notes)",
                f"{search['index_bytes'] / 1e6:.2f} MB",
                "",
                "",
            )
        )
        rows.append(
            (
                "site search, headless Chromium start to results (upper bound; goal 0.1 s)",
                _fmt(search.get("first_result_s")) if search.get("first_result_s") else "–",
                "",
                "",
            )
        )
    names = ours.get("names", {})
    if names.get("slowest_name_s") is not None:
        rows.append(
            (
                "a parameter by name (United States, usa, Vietnam …), slowest (goal ≤ 50 ms)",
                f"{names['slowest_name_s'] * 1000:.1f} ms (index load "
                f"{names['index_load_s'] * 1000:.0f} ms)",
                "",
                "",
            )
        )
    show = ours.get("show", {})
    rows.append(
        (
            "tradekg show USA, CLI median of 3 (goal ≤ 0.3 s at 10,000 notes)",
            _measured(show, "median_s"),
            "",
            "",
        )
    )
    rows.append(
        (
            "total (build + each query once / parse + validate + queries)",
            _fmt(ours_total(result)),
            _fmt(baseline_total(result)),
            _fmt(result.ratios.get("total"), "x"),
        )
    )
    rows.append(
        (
            "peak memory (build, all processes summed / baseline process)",
            _fmt(ours.get("build", {}).get("maxrss_mb"), "MB"),
            _fmt(base.get("maxrss_mb"), "MB"),
            "",
        )
    )
    rows.append(
        (
            "peak memory (build, largest single process)",
            _fmt(ours.get("build", {}).get("process_peak_mb"), "MB"),
            "",
            "",
        )
    )
    rows.append(("peak memory (query process)", _fmt(ours.get("maxrss_mb"), "MB"), "", ""))
    rows.append(("peak memory (Oxigraph server)", _fmt(load.get("server_vmhwm_mb"), "MB"), "", ""))
    return rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for row in rows:
        lines.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        )
    return "\n".join(lines)


def _slowest_query(r: SizeResult) -> float | None:
    medians = [q.get("median_s") or 0.0 for q in r.ours.get("queries", {}).values()]
    return max(medians, default=None)


def _baseline_cell(r: SizeResult, key: str) -> str:
    """A baseline time, or why there is none (limit hit, baseline skipped, no shapes)."""
    value = r.baseline.get(key)
    if value:
        return _fmt(value)
    if "limit_s" not in r.baseline:
        return str(r.baseline.get("note", "–"))
    return _why(r.baseline, key)


def scaling_rows(results: Sequence[SizeResult]) -> list[list[str]]:
    """Rows: a measure; columns: the sizes."""

    def row(label: str, get: Callable[[SizeResult], str]) -> list[str]:
        return [label, *(get(r) for r in results)]

    def build(r: SizeResult) -> dict[str, Any]:
        found: dict[str, Any] = r.ours.get("build", {})
        return found

    return [
        row("quads", lambda r: f"{r.quads:,}"),
        row("full build (CLI)", lambda r: _fmt(build(r).get("wall_s"))),
        row("  of which validate", lambda r: _fmt(_stage(build(r).get("stages", {}), "validat"))),
        row("rebuild after one edit", lambda r: _fmt(r.ours.get("rebuild", {}).get("wall_s"))),
        row("watch: save → ok line", lambda r: _fmt(_get(r.ours, "watch", "ok_s"))),
        row("watch: save → error line", lambda r: _fmt(_get(r.ours, "watch", "error_s"))),
        row("index (embedded store)", lambda r: _fmt(r.ours.get("index_s"))),
        row("slowest saved query (median)", lambda r: _fmt(_slowest_query(r))),
        row(
            "tradekg load, triples/s",
            lambda r: _fmt(
                r.ours.get("load", {}).get("tradekg_load", {}).get("triples_per_s"), "triples/s"
            ),
        ),
        row("peak memory, build (summed)", lambda r: _fmt(build(r).get("maxrss_mb"), "MB")),
        row(
            "peak memory, build (largest process)",
            lambda r: _fmt(build(r).get("process_peak_mb"), "MB"),
        ),
        row("baseline parse", lambda r: _baseline_cell(r, "parse_s")),
        row("baseline pyshacl", lambda r: _baseline_cell(r, "validate_s")),
        row("baseline peak memory", lambda r: _fmt(r.baseline.get("maxrss_mb"), "MB")),
        row("total ratio baseline/ours", lambda r: _fmt(r.ratios.get("total"), "x")),
    ]


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    from importlib.metadata import PackageNotFoundError, version

    info = {"nproc": str(os.cpu_count()), "python": platform.python_version()}
    info["platform"] = platform.platform()
    try:
        info["free -h"] = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    except OSError:
        info["free -h"] = "unavailable"
    for package in ("pyoxigraph", "oxigraph", "rdflib", "pyshacl", "PyYAML", "tradekg"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "not installed"
    try:
        info["commit"] = subprocess.run(
            [
                "git",
                "-C",
                str(Path(__file__).resolve().parent.parent),
                "rev-parse",
                "--short",
                "HEAD",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        info["commit"] = "unknown"
    return info


def report(results: Sequence[SizeResult], info: dict[str, str]) -> str:
    parts = ["# tradekg benchmark", ""]
    parts.append(
        f"machine: {info['nproc']} cores, Python {info['python']}, "
        f"pyoxigraph {info['pyoxigraph']}, oxigraph {info['oxigraph']}, "
        f"rdflib {info['rdflib']}, pyshacl {info['pyshacl']}, "
        f"commit {info.get('commit')}"
    )
    parts.append("")
    parts.append("```\n" + info["free -h"].rstrip() + "\n```")
    for result in results:
        parts.append("")
        parts.append(f"## {result.notes:,} notes ({result.quads:,} quads)")
        parts.append("")
        floor = result.floor
        parts.append(
            f"Floor in this run (pyoxigraph {info['pyoxigraph']} on dist/tradekg.nq): "
            f"parse only {_fmt(floor.get('parse_s'))}, in-memory load "
            f"{_fmt(floor.get('memory_load_s'))}, on-disk bulk load "
            f"{_fmt(result.ours.get('index_s'))}, a process holding the in-memory store "
            f"{_fmt(floor.get('memory_store_rss_mb'), 'MB')}; raw POST into "
            f"`oxigraph serve` {_fmt(_get(result.ours, 'load', 'raw_post', 'wall_s'))}."
        )
        parts.append("")
        goals = [(g.measure, g.goal, g.measured, g.ratio, g.mark) for g in goal_rows(result)]
        parts.append(markdown_table(("measure", "goal", "measured", "ratio", ""), goals))
        parts.append("")
        parts.append(
            markdown_table(
                ("saved query", "rows", "engine median", "CLI median", "CLI / parse", ""),
                query_rows(result),
            )
        )
        parts.append("")
        parts.append(
            markdown_table(("stage", "ours", "baseline", "baseline/ours"), stage_rows(result))
        )
        skipped = result.ours.get("skipped_queries") or {}
        for name, why in skipped.items():
            parts.append(f"\nquery {name} not run: {why}")
        for side in ("ours", "baseline"):
            error = getattr(result, side).get("error")
            if error:
                parts.append(f"\n{side} process failed:\n```\n{error}\n```")
    if len(results) > 1:
        parts.append("\n## Scaling\n")
        scaling = [(g.measure, g.goal, g.measured, g.ratio, g.mark) for g in scaling_goals(results)]
        if scaling:
            parts.append(markdown_table(("measure", "goal", "measured", "ratio", ""), scaling))
            parts.append("")
        parts.append(
            markdown_table(
                ("measure", *(f"{r.notes:,} notes" for r in results)), scaling_rows(results)
            )
        )
    parts.append("")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Profiling the full build
# ---------------------------------------------------------------------------------------------


def profile_build(project: Path, out: Path, top: int = 30, timeout: float | None = None) -> str:
    """``tradekg build --full`` under cProfile; the functions taking the most time."""
    import pstats

    args = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "loader.cli", "build"]
    args += ["--project", str(project), "--quiet"]
    if cli_supports("build", "--full"):
        args.append("--full")
    proc = run_child(args, timeout=timeout)
    if proc.timed_out:
        return f"the profiled build did not finish in {timeout:.0f} s"
    if proc.returncode != 0:
        return f"profiled build failed:\n{proc.stderr[-3000:]}"
    stats = pstats.Stats(str(out))
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    lines = [
        f"profiled build: {proc.wall_s:.1f} s wall (with profiler overhead), {total:.1f} s profiled"
    ]
    for order in ("tottime", "cumulative"):
        lines.append(f"\ntop {top} by {order}:")
        lines.append(f"{'share':>6} {'tottime':>8} {'cumtime':>8} {'calls':>10}  function")
        entries = stats.stats  # type: ignore[attr-defined]
        key = 2 if order == "tottime" else 3
        ranked = sorted(entries.items(), key=lambda item: item[1][key], reverse=True)[:top]
        for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in ranked:
            share = (tottime if order == "tottime" else cumtime) / total
            where = f"{_short(file)}:{line}({func})"
            lines.append(f"{share:6.1%} {tottime:8.2f} {cumtime:8.2f} {calls:>10}  {where}")
    return "\n".join(lines)


def _short(file: str) -> str:
    """A profiled file as a reader knows it: relative to the repository or site-packages."""
    root = str(Path(__file__).resolve().parents[1]) + "/"
    if file.startswith(root):
        return file[len(root) :]
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1]
    return file


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated note counts")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the report as Markdown here")
    parser.add_argument(
        "--skip-baseline-above",
        type=int,
        default=None,
        metavar="N",
        help="run no baseline for sizes above N notes",
    )
    parser.add_argument(
        "--build-only-above",
        type=int,
        default=None,
        metavar="N",
        help="for sizes above N notes measure only the builds (for the scaling rows)",
    )
    parser.add_argument(
        "--baseline-limit",
        type=float,
        default=DEFAULT_BASELINE_LIMIT,
        help="seconds per baseline stage",
    )
    parser.add_argument(
        "--runs", type=int, default=DEFAULT_RUNS, help="timed runs per query (after a warm-up)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--build-timeout", type=float, default=None, help="stop a build or validate after S s"
    )
    parser.add_argument(
        "--source", type=Path, default=REPO_ROOT, help="project whose ontology etc. to use"
    )
    parser.add_argument(
        "--work", type=Path, help="folder for corpora (default: a temporary one, removed)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile the full build at the largest size"
    )
    parser.add_argument("--child", choices=("ours", "baseline", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--answer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        if args.child == "ours":
            data = child_ours(args.project, args.runs, args.baseline_limit, args.answer)
        elif args.child == "floor":
            data = child_floor(args.project)
        else:
            data = child_baseline(args.project, args.runs, args.baseline_limit, args.answer)
        args.answer.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with _work_dir(args.work) as work:
        results: list[SizeResult] = []
        for notes in sizes:
            run_baseline = args.skip_baseline_above is None or notes <= args.skip_baseline_above
            results.append(
                measure_size(
                    notes,
                    work,
                    runs=args.runs,
                    limit=args.baseline_limit,
                    run_baseline=run_baseline,
                    seed=args.seed,
                    source=args.source.resolve(),
                    build_timeout=args.build_timeout,
                    build_only=args.build_only_above is not None and notes > args.build_only_above,
                )
            )
            print(report(results[-1:], machine()), flush=True)
        info = machine()
        text = report(results, info)
        if args.profile:
            largest = work / f"corpus-{sizes[-1]}"
            log(f"profiling the full build of {sizes[-1]} notes")
            timeout = args.build_timeout * 3 if args.build_timeout else None
            profile = profile_build(largest, work / "build.prof", timeout=timeout)
            text += f"\n## Profile of the full build, {sizes[-1]:,} notes\n\n```\n{profile}\n```\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    failed = {r.notes: empty_queries(r) for r in results if empty_queries(r)}
    if args.json:
        payload: dict[str, Any] = {"machine": info, "results": [asdict(r) for r in results]}
        payload["goals"] = {
            str(r.notes): [{**asdict(g), "mark": g.mark} for g in goal_rows(r)] for r in results
        }
        payload["scaling"] = [{**asdict(g), "mark": g.mark} for g in scaling_goals(results)]
        payload["queries_without_rows"] = failed
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    for notes, names in failed.items():
        print(
            f"FAILED: at {notes:,} notes these saved queries answered no rows (or their CLI run "
            f"failed): {', '.join(names)}",
            file=sys.stderr,
        )
    return 1 if failed else 0


@contextlib.contextmanager
def _work_dir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="tradekg-bench-") as tmp:
        yield Path(tmp)


if __name__ == "__main__":
    raise SystemExit(main())
