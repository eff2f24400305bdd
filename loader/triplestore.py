"""Load the built dataset into a triplestore, graph by graph, and prove it arrived whole.

``tradekg load`` is meant to be run again and again against the same server (after every
build, after a failed run), so it is built on three rules:

* **Replace, never append.** Every named graph is written with a Graph Store Protocol
  ``PUT``, which replaces the graph; loading twice gives the same graphs, not duplicates.
* **No graph is ever left half-written.** A graph that fits in one request
  (``chunk_triples``, 50,000 by default) is one ``PUT``, which the server applies as a
  whole. A bigger graph cannot be one request without building a giant body, and a
  ``PUT`` of the first chunk followed by ``POST`` s of the rest would leave the graph
  half-written if the server or the network died in between — and the half graph would
  show up in every query over the union default graph. So big graphs go to a *staging*
  graph ``urn:tradekg:staging:<graph IRI>``: ``PUT`` the first chunk there, ``POST`` the
  rest, check the staging graph's triple count, and only then ``MOVE`` it onto the real
  graph with one SPARQL Update, which the store applies in one transaction. A failure
  before the ``MOVE`` leaves the real graph exactly as it was (the old version, or
  absent); the staging graph is dropped then, and any leftover from a crash is dropped at
  the start of the next run (and the staging IRIs are outside the ``…/graph/`` namespace
  that ``--prune`` and the saved queries look at). Staging was chosen over "write in place,
  verify, re-send" because that leaves a window, between the first ``POST`` and the
  re-send, in which queries see half a graph; a store with no update endpoint
  (``generic`` without ``--update-endpoint``) gets exactly that weaker behaviour, and the
  final verification still catches it.
* **Verify.** After loading, every graph's triple count on the server is compared with the
  manifest's; any difference fails the run (exit 1).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loader.dist_reader import DatasetIndex, DistDataset, iter_chunks
from loader.store_http import StoreClient, StoreError
from loader.store_profiles import StoreProfile

GRAPH_PREFIX = "https://w3id.org/tradekg/graph/"
STAGING_PREFIX = "urn:tradekg:staging:"
DEFAULT_CHUNK_TRIPLES = 50_000


class LoadFailed(Exception):
    """The load stopped: ``graph`` is the graph being written (None: before or after)."""

    def __init__(self, message: str, *, graph: str | None = None) -> None:
        super().__init__(message)
        self.graph = graph


def staging_iri(graph_iri: str) -> str:
    """The temporary graph a big graph is assembled in before it is moved into place."""
    return STAGING_PREFIX + graph_iri


def request_count(triples: int, blank_triples: int, chunk_triples: int) -> int:
    """How many GSP requests a graph of this size takes (see :func:`iter_chunks`)."""
    if triples <= chunk_triples:
        return 1
    plain = triples - blank_triples
    return -(-plain // chunk_triples) + (1 if blank_triples else 0)


# -- plan (also what --dry-run prints) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphPlan:
    """What loading one graph will send."""

    iri: str
    triples: int
    body_bytes: int
    requests: int
    staged: bool
    target_url: str

    @property
    def method(self) -> str:
        if self.triples == 0:
            return "DROP (empty)"
        if self.requests == 1:
            return "PUT"
        how = f"PUT + {self.requests - 1} POST"
        return f"{how} to staging, MOVE" if self.staged else f"{how} (not staged)"


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """Every graph's :class:`GraphPlan`, in manifest order, for one store."""

    profile: StoreProfile
    chunk_triples: int
    graphs: tuple[GraphPlan, ...]

    @property
    def total_triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)

    @property
    def total_bytes(self) -> int:
        return sum(graph.body_bytes for graph in self.graphs)

    @property
    def total_requests(self) -> int:
        return sum(graph.requests for graph in self.graphs)


def plan_load(
    index: DatasetIndex, profile: StoreProfile, *, chunk_triples: int, staging: bool = True
) -> LoadPlan:
    """What a load of ``index`` into ``profile``'s store will send; sends nothing.

    ``staging`` False writes multi-request graphs in place (see :func:`load_dataset`).

    Raises:
        ValueError: ``chunk_triples`` is below 1.
    """
    if chunk_triples < 1:
        raise ValueError("chunk_triples must be at least 1")
    can_stage = staging and profile.update_url is not None
    graphs = []
    for graph in index.dataset.graphs:
        piece = index.slice(graph.iri)
        requests = request_count(piece.triples, piece.blank_triples, chunk_triples)
        graphs.append(
            GraphPlan(
                iri=graph.iri,
                triples=piece.triples,
                body_bytes=piece.body_bytes,
                requests=requests,
                staged=requests > 1 and can_stage,
                target_url=profile.graph_url(graph.iri),
            )
        )
    return LoadPlan(profile=profile, chunk_triples=chunk_triples, graphs=tuple(graphs))


# -- progress -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """Sent after every request that carried triples (for a progress display)."""

    graph_number: int
    graph_count: int
    iri: str
    graph_sent: int
    graph_triples: int
    sent: int
    total: int
    elapsed: float

    @property
    def graph_done(self) -> bool:
        return self.graph_sent >= self.graph_triples


ProgressCallback = Callable[[Progress], None]


# -- verification -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphCheck:
    """One graph's count in the manifest and on the server (None: could not be counted)."""

    iri: str
    local: int
    remote: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.remote == self.local

    @property
    def status(self) -> str:
        if self.remote is None:
            return "ERROR"
        if self.ok:
            return "ok"
        return "MISSING" if self.remote == 0 else "DIFFERS"


def verify_counts(client: StoreClient, dataset: DistDataset) -> list[GraphCheck]:
    """Count every manifest graph's triples on the server and compare.

    A graph whose count query fails is reported as ``ERROR`` (not raised), so that one bad
    graph does not hide the state of the others; once the server stops answering, the
    remaining graphs are marked without asking again.
    """
    checks = []
    unreachable: str | None = None
    for graph in dataset.graphs:
        remote: int | None = None
        error = unreachable and f"not counted: {unreachable}"
        if unreachable is None:
            try:
                remote = client.count_triples(graph.iri)
            except StoreError as failure:
                error = str(failure)
                if failure.transient:  # do not wait out the retries once per graph
                    unreachable = "the server stopped answering"
        checks.append(GraphCheck(iri=graph.iri, local=graph.triples, remote=remote, error=error))
    return checks


# -- load ---------------------------------------------------------------------------------


@dataclass(slots=True)
class LoadReport:
    """What a load did: graphs and triples sent, time taken, graphs pruned, the checks."""

    graphs: int = 0
    triples: int = 0
    requests: int = 0
    seconds: float = 0.0
    pruned: list[str] = field(default_factory=list)
    staging_removed: list[str] = field(default_factory=list)
    checks: list[GraphCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def triples_per_second(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else 0.0


class _Loader:
    """The state of one load run (kept off the public API: use :func:`load_dataset`)."""

    def __init__(
        self,
        index: DatasetIndex,
        client: StoreClient,
        *,
        chunk_triples: int,
        staging: bool,
        progress: ProgressCallback | None,
    ) -> None:
        self.index = index
        self.client = client
        self.chunk_triples = chunk_triples
        self.progress = progress
        self.plan = plan_load(index, client.profile, chunk_triples=chunk_triples, staging=staging)
        self.report = LoadReport()
        self.started = time.monotonic()

    def _tell(self, number: int, graph: GraphPlan, graph_sent: int) -> None:
        if self.progress is not None:
            self.progress(
                Progress(
                    graph_number=number,
                    graph_count=len(self.plan.graphs),
                    iri=graph.iri,
                    graph_sent=graph_sent,
                    graph_triples=graph.triples,
                    sent=self.report.triples,
                    total=self.plan.total_triples,
                    elapsed=time.monotonic() - self.started,
                )
            )

    def remove_leftover_staging(self) -> None:
        if self.client.profile.update_url is None:
            return
        for iri in self.client.list_graphs(STAGING_PREFIX):
            self.client.delete_graph(iri)
            self.report.staging_removed.append(iri)

    def _send(self, number: int, graph: GraphPlan, target: str) -> int:
        """PUT the first chunk to ``target`` and POST the rest; returns triples sent."""
        sent = 0
        for position, chunk in enumerate(
            iter_chunks(self.index, graph.iri, chunk_triples=self.chunk_triples)
        ):
            if position == 0:
                self.client.put_graph(target, chunk.body, label=graph.iri)
            else:
                self.client.post_graph(target, chunk.body, label=graph.iri)
            sent += chunk.triples
            self.report.requests += 1
            self.report.triples += chunk.triples
            self._tell(number, graph, sent)
        return sent

    def load_graph(self, number: int, graph: GraphPlan) -> None:
        if graph.triples == 0:
            self.client.delete_graph(graph.iri)
            self._tell(number, graph, 0)
            return
        if not graph.staged:
            self._send(number, graph, graph.iri)
            return
        staging = staging_iri(graph.iri)
        try:
            for attempt in (1, 2):
                self._send(number, graph, staging)
                staged = self.client.count_triples(staging)
                if staged == graph.triples:
                    break
                if attempt == 2:
                    raise LoadFailed(
                        f"graph <{graph.iri}>: the staging graph holds {staged} triples after "
                        f"the upload, {graph.triples} expected; <{graph.iri}> was not changed",
                        graph=graph.iri,
                    )
            self.client.update(
                f"MOVE <{staging}> TO <{graph.iri}>", graph=graph.iri, what="MOVE from staging"
            )
        except (StoreError, LoadFailed, OSError):
            self._discard(staging)
            raise

    def _discard(self, staging: str) -> None:
        """Best effort, one try: the server may be the reason we are here."""
        with contextlib.suppress(StoreError):
            self.client.delete_graph(staging, retries=0)

    def prune(self) -> None:
        wanted = {graph.iri for graph in self.index.dataset.graphs}
        for iri in self.client.list_graphs(GRAPH_PREFIX):
            if iri not in wanted:
                self.client.delete_graph(iri)
                self.report.pruned.append(iri)


def load_dataset(
    index: DatasetIndex,
    client: StoreClient,
    *,
    chunk_triples: int = DEFAULT_CHUNK_TRIPLES,
    prune: bool = False,
    staging: bool = True,
    progress: ProgressCallback | None = None,
) -> LoadReport:
    """Write every graph of ``index`` to the store, optionally prune, then verify.

    ``staging`` False sends a multi-request graph straight into place (PUT, then POSTs):
    faster where ``MOVE`` is costly (Oxigraph on disk rewrites every quad of the graph in
    one transaction, measured ≈ 11 k triples/s against ≈ 50 k/s for the upload itself), at
    the price of queries seeing a half-written graph while it loads, or after a failure
    until the next run. The final verification is the same.

    ``prune`` removes graphs under ``https://w3id.org/tradekg/graph/`` that the manifest
    no longer lists (notes that were deleted or renamed). The returned report's ``ok`` is
    false if any graph's count differs; that is not raised, so the caller can show the
    whole table.

    Raises:
        LoadFailed: a request failed (after retries); the message names the graph and says
            that a re-run completes the load.
        ValueError: ``chunk_triples`` is below 1.
    """
    loader = _Loader(index, client, chunk_triples=chunk_triples, staging=staging, progress=progress)
    current: str | None = None
    try:
        loader.remove_leftover_staging()
        for number, graph in enumerate(loader.plan.graphs, start=1):
            current = graph.iri
            loader.load_graph(number, graph)
            loader.report.graphs += 1
        current = None
        loader.report.seconds = time.monotonic() - loader.started
        if prune:
            loader.prune()
    except StoreError as error:
        done = loader.report.graphs
        where = f" while loading <{current}>" if current else ""
        count = len(loader.plan.graphs)
        if current is None:
            kept = f"; {done} of {count} graphs were loaded"
        elif loader.plan.graphs[done].requests == 1 or loader.plan.graphs[done].staged:
            kept = f"; {done} of {count} graphs were loaded, <{current}> was left unchanged"
        else:
            kept = f"; {done} of {count} graphs were loaded, <{current}> may be half-written"
        raise LoadFailed(
            f"load failed{where}: {error}{kept}. Run the load again to complete it.",
            graph=current or error.graph,
        ) from error
    except OSError as error:
        raise LoadFailed(f"cannot read the dataset: {error}", graph=current) from error
    loader.report.checks = verify_counts(client, index.dataset)
    return loader.report


# -- text output --------------------------------------------------------------------------


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    rule = tuple("-" * width for width in widths)
    return "\n".join([line(header), line(rule), *(line(row) for row in rows)])


def format_checks(checks: list[GraphCheck]) -> str:
    """The verification table: graph, local, remote, status."""
    rows = [
        (
            check.iri,
            f"{check.local:,}",
            "?" if check.remote is None else f"{check.remote:,}",
            check.status,
        )
        for check in checks
    ]
    text = _table(("graph", "local", "remote", "status"), rows, right={1, 2})
    errors = [f"  {check.iri}: {check.error}" for check in checks if check.error]
    return text + ("\n" + "\n".join(errors) if errors else "")


def format_plan(plan: LoadPlan, *, prune: bool) -> str:
    """What ``--dry-run`` prints: per graph the triples, bytes, requests and target URL."""
    rows = [
        (graph.iri, f"{graph.triples:,}", f"{graph.body_bytes:,}", graph.method, graph.target_url)
        for graph in plan.graphs
    ]
    lines = [
        f"store: {plan.profile.kind.value}   GSP: {plan.profile.gsp_url}   "
        f"query: {plan.profile.query_url}   update: {plan.profile.update_url or '(none)'}",
        _table(("graph", "triples", "bytes", "sent as", "target"), rows, right={1, 2}),
        f"total: {len(plan.graphs)} graphs, {plan.total_triples:,} triples, "
        f"{plan.total_bytes:,} bytes of N-Triples in {plan.total_requests} requests "
        f"(at most {plan.chunk_triples:,} triples each)",
    ]
    if prune:
        lines.append(
            f"--prune: graphs under {GRAPH_PREFIX} on the server that are not listed above "
            "would be removed (a dry run does not ask the server which ones)"
        )
    lines.append("dry run: nothing was sent")
    return "\n".join(lines)
