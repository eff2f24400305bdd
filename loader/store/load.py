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
* **Batch where one request is one transaction.** On a store whose profile says so
  (``batch_updates``: Oxigraph), graphs of up to ``chunk_triples`` triples are not sent one
  ``PUT`` each — on disk every request costs a commit (≈ 20 ms) — but many whole graphs in
  one SPARQL Update request of about ``chunk_triples`` triples: a ``DELETE`` of the graphs
  that already hold triples (found by one query at the start), then one ``INSERT DATA``
  with a ``GRAPH`` block per graph. Oxigraph runs one update request in one storage
  transaction, so after a crash every graph of the request is old (or absent) or new, never
  a part (tested by killing the server mid-request). A staged big graph is copied into place
  with one ``INSERT { GRAPH <g> … } WHERE { GRAPH <staging> … }`` if ``<g>`` did not exist
  (a single statement, which Oxigraph runs as a write-only transaction, ≈ 4× faster than
  ``MOVE`` on disk) or ``DROP SILENT GRAPH <g> ; ADD <staging> TO <g>`` if it did, and the
  staging graph is emptied with a single ``DELETE WHERE`` afterwards. Other stores keep one
  ``PUT`` per graph and ``MOVE``.
* **Verify.** After loading, every graph's triple count on the server is compared with the
  manifest's; any difference fails the run (exit 1).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loader.store.dist import DatasetIndex, DistDataset, iter_chunks, iter_triples
from loader.store.http import StoreClient, StoreError
from loader.store.profiles import StoreProfile

GRAPH_PREFIX = "https://w3id.org/tradekg/graph/"
STAGING_PREFIX = "urn:tradekg:staging:"
DEFAULT_CHUNK_TRIPLES = 50_000
_IRIREF = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*")


class LoadFailed(Exception):
    """The load stopped: ``graph`` is the graph being written (None: before or after)."""

    def __init__(self, message: str, *, graph: str | None = None) -> None:
        super().__init__(message)
        self.graph = graph


def iri_ref(iri: str) -> str:
    """``<iri>`` for a SPARQL update; refuses text that would not be one IRI there.

    Graph IRIs come from the manifest and end up inside SPARQL text: a ``>`` or a space in
    one must be an error, not a way to run a different update.

    Raises:
        LoadFailed: ``iri`` holds characters an IRIREF may not hold.
    """
    if not iri or _IRIREF.fullmatch(iri) is None:
        raise LoadFailed(f"graph IRI {iri!r} cannot be written in SPARQL (not a valid IRI)")
    return f"<{iri}>"


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
    #: the batched update request (1, 2, …) that carries this graph; None: its own requests
    batch: int | None = None
    #: how a staged graph is put in place
    swap: str = "MOVE"

    @property
    def method(self) -> str:
        if self.batch is not None:
            what = "DELETE old + INSERT DATA" if self.triples else "DELETE old"
            return f"update #{self.batch} ({what}, one transaction)"
        if self.triples == 0:
            return "DROP (empty)"
        if self.requests == 1:
            return "PUT"
        how = f"PUT + {self.requests - 1} POST"
        return f"{how} to staging, {self.swap}" if self.staged else f"{how} (not staged)"


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
        alone = sum(graph.requests for graph in self.graphs if graph.batch is None)
        return alone + len({graph.batch for graph in self.graphs if graph.batch is not None})


def plan_load(
    index: DatasetIndex, profile: StoreProfile, *, chunk_triples: int, staging: bool = True
) -> LoadPlan:
    """What a load of ``index`` into ``profile``'s store will send; sends nothing.

    ``staging`` False writes multi-request graphs in place (see :func:`load_dataset`).
    With ``profile.batch_updates``, consecutive graphs of up to ``chunk_triples`` triples
    share update requests of at most ``chunk_triples`` triples (a graph is never split
    between two requests; a graph sent on its own ends the current batch).

    Raises:
        ValueError: ``chunk_triples`` is below 1.
    """
    if chunk_triples < 1:
        raise ValueError("chunk_triples must be at least 1")
    can_stage = staging and profile.update_url is not None
    can_batch = profile.batch_updates and profile.update_url is not None
    swap = "INSERT…WHERE (new) or DROP+ADD (replace)" if can_batch else "MOVE"
    graphs = []
    batch = 0
    room = -1  # triples left in the open batch; -1: no batch open
    for graph in index.dataset.graphs:
        piece = index.slice(graph.iri)
        requests = request_count(piece.triples, piece.blank_triples, chunk_triples)
        number: int | None = None
        if can_batch and requests == 1:
            if room < piece.triples:
                batch, room = batch + 1, chunk_triples
            room -= piece.triples
            number = batch
        else:
            room = -1
        graphs.append(
            GraphPlan(
                iri=graph.iri,
                triples=piece.triples,
                body_bytes=piece.body_bytes,
                requests=requests,
                staged=requests > 1 and can_stage,
                target_url=(
                    profile.graph_url(graph.iri)
                    if number is None or profile.update_url is None
                    else profile.update_url
                ),
                batch=number,
                swap=swap,
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
        self.batching = client.profile.batch_updates and client.profile.update_url is not None
        self.report = LoadReport()
        self.started = time.monotonic()
        #: graphs that hold triples on the server (asked once at the start when batching)
        self.present: set[str] = set()
        #: the graphs of the batched request being sent (for the error message)
        self.in_flight: list[str] = []

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
        if self.batching:
            # one query tells both which graphs exist (DELETE before INSERT needed) and
            # which staging graphs a crashed run left behind
            found = self.client.list_graphs("")
            self.present = {iri for iri in found if not iri.startswith(STAGING_PREFIX)}
            leftovers = [iri for iri in found if iri.startswith(STAGING_PREFIX)]
        else:
            leftovers = self.client.list_graphs(STAGING_PREFIX)
        for iri in leftovers:
            if self.batching:
                self._empty_staging(iri)
            else:
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

    def send_batch(self, items: list[tuple[int, GraphPlan]]) -> None:
        """Replace every graph of ``items`` with one SPARQL Update request.

        The request is ``DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { VALUES ?g { … } … }`` for
        the graphs that hold triples on the server, then one ``INSERT DATA`` with a
        ``GRAPH`` block per graph. Oxigraph applies the whole request in one transaction, so
        the graphs change together or not at all. A graph with blank nodes is always in the
        ``DELETE`` list: if a retried request had in fact been applied the first time, its
        blank-node triples would otherwise be inserted twice (as fresh nodes). Blank node
        labels get a per-graph prefix (``_:g3b…``) because inside one ``INSERT DATA`` a label
        is one node across all its ``GRAPH`` blocks, while each graph's nodes are its own.
        """
        self.in_flight = [graph.iri for _, graph in items]
        replace = [
            iri_ref(graph.iri)
            for _, graph in items
            if graph.iri in self.present or self.index.slice(graph.iri).blank_triples
        ]
        parts: list[bytes] = []
        if replace:
            parts.append(
                (
                    "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { VALUES ?g { "
                    + " ".join(replace)
                    + " } GRAPH ?g { ?s ?p ?o } }"
                ).encode("utf-8")
            )
        blocks: list[bytes] = []
        for position, (_, graph) in enumerate(items):
            if graph.triples == 0:
                continue
            prefix = b"g%db" % position
            blocks.append(b"GRAPH " + iri_ref(graph.iri).encode("utf-8") + b" {\n")
            blocks.extend(
                triple for triple, _ in iter_triples(self.index, graph.iri, blank_prefix=prefix)
            )
            blocks.append(b"}\n")
        if blocks:
            parts.append(b"INSERT DATA {\n" + b"".join(blocks) + b"}")
        if parts:
            first, last = items[0][1].iri, items[-1][1].iri
            span = f"<{first}>" if len(items) == 1 else f"<{first}> … <{last}>"
            self.client.update(
                b" ;\n".join(parts), what=f"update of {len(items)} graphs {span} (one transaction)"
            )
            self.report.requests += 1
        for number, graph in items:
            self.report.triples += graph.triples
            self.report.graphs += 1
            if graph.triples:
                self.present.add(graph.iri)
            else:
                self.present.discard(graph.iri)
            self._tell(number, graph, graph.triples)
        self.in_flight = []

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
            self._swap(graph.iri, staging)
        except (StoreError, LoadFailed, OSError):
            self._discard(staging)
            raise

    def _swap(self, iri: str, staging: str) -> None:
        """Put the complete staging graph in place with one update (one transaction)."""
        target, source = iri_ref(iri), iri_ref(staging)
        if not self.batching:
            self.client.update(f"MOVE {source} TO {target}", graph=iri, what="MOVE from staging")
            return
        if iri in self.present:
            # replacing needs the old triples removed in the same transaction
            self.client.update(
                f"DROP SILENT GRAPH {target} ;\nADD {source} TO {target}",
                graph=iri,
                what="DROP + ADD from staging",
            )
        else:
            # one statement: Oxigraph runs it as a write-only transaction (measured ≈ 4×
            # faster on disk than MOVE, which also deletes the source in the same transaction)
            self.client.update(
                f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} "
                f"WHERE {{ GRAPH {source} {{ ?s ?p ?o }} }}",
                graph=iri,
                what="INSERT…WHERE from staging",
            )
        self.present.add(iri)
        self.report.requests += 1
        self._empty_staging(staging)

    def _empty_staging(self, staging: str) -> None:
        """Remove a staging graph: ``DELETE WHERE`` is one statement (write-only transaction,
        ≈ 2× faster than ``DROP`` on Oxigraph on disk); the ``DROP`` of the then empty graph
        only removes its name."""
        source = iri_ref(staging)
        self.client.update(
            f"DELETE WHERE {{ GRAPH {source} {{ ?s ?p ?o }} }}", graph=staging, what="emptying"
        )
        self.client.delete_graph(staging)

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
    faster where copying from staging is costly, at the price of queries seeing a
    half-written graph while it loads, or after a failure until the next run. The final
    verification is the same. Small graphs are batched where the profile allows it (see
    the module docstring), whatever ``staging`` says.

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
    count = len(loader.plan.graphs)
    try:
        loader.remove_leftover_staging()
        pending: list[tuple[int, GraphPlan]] = []
        for number, graph in enumerate(loader.plan.graphs, start=1):
            if pending and pending[-1][1].batch != graph.batch:
                current = pending[0][1].iri
                loader.send_batch(pending)
                pending = []
            if graph.batch is not None:
                pending.append((number, graph))
                continue
            current = graph.iri
            loader.load_graph(number, graph)
            loader.report.graphs += 1
        if pending:
            current = pending[0][1].iri
            loader.send_batch(pending)
        current = None
        loader.report.seconds = time.monotonic() - loader.started
        if prune:
            loader.prune()
    except StoreError as error:
        done = loader.report.graphs
        where = f" while loading <{current}>" if current else ""
        if current is None:
            kept = f"; {done} of {count} graphs were loaded"
        elif loader.in_flight:
            kept = (
                f"; {done} of {count} graphs were loaded; the {len(loader.in_flight)} graphs "
                "of the failed request are each either unchanged or completely written "
                "(one transaction), never half-written"
            )
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
