"""Load the built dataset into a triplestore, graph by graph, and prove it arrived whole.

``tradekg load`` is meant to be run again and again against the same server (after every
build, after a failed run), so it is built on three rules:

* **Replace, never append.** Every named graph is written with a Graph Store Protocol
  ``PUT``, which replaces the graph; loading twice gives the same graphs, not duplicates.
* **No graph is ever left half-written.** A graph that fits in one request
  (``chunk_triples``, 100,000 by default) is one ``PUT``, which the server applies as a
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
  with a ``GRAPH`` block per graph — or, when every graph of the batch is absent on the
  server and free of blank nodes (a first load), one ``POST`` of their N-Quads lines to the
  dataset endpoint, which Oxigraph also loads in one transaction and parses faster. Oxigraph
  runs one request in one storage transaction, so after a crash every graph of the request
  is old (or absent) or new, never a part (tested by killing the server mid-request). The
  default of 100,000 triples per request was measured: at 1,000 bench notes (140,000
  triples) 3 update requests of 50,000 took 7.7 s, one of 140,000 5.0 s, against 3.5 s for
  one raw ``POST`` of the N-Quads; a first load sends new graphs as ``POST`` s two at a
  time (see ``_Loader.flush``), which needs at least two requests to gain anything.
  A staged big graph is copied into place with one
  ``INSERT { GRAPH <g> … } WHERE { GRAPH <staging> … }`` if ``<g>`` did not exist
  (a single statement, which Oxigraph runs as a write-only transaction, ≈ 4× faster than
  ``MOVE`` on disk) or ``DROP SILENT GRAPH <g> ; ADD <staging> TO <g>`` if it did, and the
  staging graph is emptied with a single ``DELETE WHERE`` afterwards. Other stores keep one
  ``PUT`` per graph and ``MOVE``.
* **Send only what changed.** The manifest holds each graph's sha256. On a store that
  batches (Oxigraph), every update request that writes graphs also writes, in the same
  transaction, one bookkeeping triple per graph into the store's *default* graph:
  ``<graph IRI> <urn:tradekg:sha256> "…"`` — the default graph, so that the named graphs
  on the server stay exactly the manifest's. One query at the start reads these hashes
  together with every graph's triple count; a graph whose recorded hash and count both
  equal the manifest's is not sent again, so re-loading an unchanged build sends no data.
  A graph that is sent on its own (a staged big graph) loses its hash before it changes
  and gets it back once it is complete, so a hash never vouches for other content than
  the one it was computed from. A graph edited on the server by other means is caught by
  its count; one edited without changing its count is not (``force=True`` sends
  everything). Other stores get every graph, as before.
* **Verify.** After loading, every graph's triple count on the server is compared with the
  manifest's, all counts from one grouped query (``GROUP BY ?g``), not one query per graph;
  any difference fails the run (exit 1).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from loader.store.dist import DatasetIndex, DistDataset, iter_chunks, iter_triples
from loader.store.http import StoreClient, StoreError
from loader.store.profiles import StoreProfile

GRAPH_PREFIX = "https://w3id.org/tradekg/graph/"
STAGING_PREFIX = "urn:tradekg:staging:"
#: ``<graph> <urn:tradekg:sha256> "hex"`` in the store's default graph: what a load wrote
SHA256 = "urn:tradekg:sha256"
DEFAULT_CHUNK_TRIPLES = 100_000
_IRIREF = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*")
_HEX = re.compile(r"[0-9a-f]{64}")


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
    index: DatasetIndex,
    profile: StoreProfile,
    *,
    chunk_triples: int,
    staging: bool = True,
    skip: Collection[str] = (),
) -> LoadPlan:
    """What a load of ``index`` into ``profile``'s store will send; sends nothing.

    Graphs named in ``skip`` (the server already holds them, see :func:`load_dataset`) are
    left out of the plan.

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
        if graph.iri in skip:
            continue
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


_COUNTS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def server_counts(client: StoreClient) -> dict[str, int]:
    """Every non-empty named graph on the server and its triple count, from one query.

    Raises:
        StoreError: the query failed or a count is not a number.
    """
    rows = client.select(_COUNTS_QUERY, what="counting the triples of every graph")
    try:
        return {row["g"]: int(row["n"]) for row in rows if "g" in row}
    except (KeyError, ValueError):
        raise StoreError(
            client.redact(f"counting the triples of every graph: not a number: {rows[:3]!r}")
        ) from None


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the server holds before a load: graph counts and the recorded content hashes."""

    counts: dict[str, int]
    hashes: dict[str, str]


def server_state(client: StoreClient) -> ServerState:
    """Every named graph's count and every recorded content hash, in one request.

    Raises:
        StoreError: the query failed or answered something unexpected.
    """
    rows = client.select(
        "SELECT ?g ?n ?h WHERE { "
        "{ SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g } "
        f"UNION {{ ?g <{SHA256}> ?h }} }}",
        what="reading which graphs the server holds",
    )
    counts: dict[str, int] = {}
    hashes: dict[str, str] = {}
    try:
        for row in rows:
            if "n" in row:
                counts[row["g"]] = int(row["n"])
            elif "h" in row:
                hashes[row["g"]] = row["h"]
    except (KeyError, ValueError):
        raise StoreError(
            client.redact(f"reading which graphs the server holds: {rows[:3]!r}")
        ) from None
    return ServerState(counts=counts, hashes=hashes)


def manifest_hashes(dataset: DistDataset) -> dict[str, str]:
    """Graph IRI → sha256 of its content, as the build recorded it in the manifest.

    A manifest without hashes (an older build, a hand-made one) gives an empty mapping:
    every graph is then sent, as before hashes existed. Only well-formed hex digests are
    taken, since they are written into SPARQL text.
    """
    try:
        data = json.loads(dataset.manifest_path.read_text(encoding="utf-8"))
        entries = data["graphs"]
        found = {str(g["iri"]): g.get("sha256") for g in entries if isinstance(g, dict)}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {iri: h for iri, h in found.items() if isinstance(h, str) and _HEX.fullmatch(h)}


def verify_counts(
    client: StoreClient, dataset: DistDataset, *, counts: dict[str, int] | None = None
) -> list[GraphCheck]:
    """Compare every manifest graph's triple count with the server's.

    All counts come from one grouped query (or from ``counts``, already read from the
    server). If that query fails, every graph is reported as ``ERROR`` with the reason
    (not raised), so that the caller can still show the whole table.
    """
    if counts is None:
        try:
            counts = server_counts(client)
        except StoreError as failure:
            return [
                GraphCheck(iri=graph.iri, local=graph.triples, remote=None, error=str(failure))
                for graph in dataset.graphs
            ]
    return [
        GraphCheck(iri=graph.iri, local=graph.triples, remote=counts.get(graph.iri, 0))
        for graph in dataset.graphs
    ]


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
    #: graphs not sent: the server already held exactly this content (hash and count)
    skipped: list[str] = field(default_factory=list)

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
        #: graphs that hold triples on the server (asked once at the start)
        self.present: set[str] = set()
        #: graph → sha256 in the manifest, and as recorded on the server
        self.hashes = manifest_hashes(index.dataset)
        self.stored: dict[str, str] = {}
        #: graphs written completely outside a batch, whose hash is still to be recorded
        self.unrecorded: list[str] = []
        #: every graph's count on the server before the load (None: not asked)
        self.counts_before: dict[str, int] | None = None
        self.staging = staging
        #: the graphs of the batched request being sent (for the error message)
        self.in_flight: list[str] = []
        #: batches of new graphs waiting to be sent two at a time (see :meth:`flush`)
        self.waiting: list[list[tuple[int, GraphPlan]]] = []

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

    def prepare(self, *, force: bool) -> None:
        """Ask the server once what it holds: remove staging left by a crashed run, learn
        which graphs exist (a batch must delete them first), and plan without the graphs
        whose recorded hash and count equal the manifest's (unless ``force``)."""
        if self.client.profile.update_url is None:
            return  # no update endpoint: no staging, no hashes (every graph is sent)
        state = server_state(self.client)
        self.counts_before = state.counts
        if self.batching:
            self.stored = {iri: h for iri, h in state.hashes.items() if _HEX.fullmatch(h)}
        self.present = {
            iri for iri, n in state.counts.items() if n and not iri.startswith(STAGING_PREFIX)
        }
        for iri in sorted(i for i in state.counts if i.startswith(STAGING_PREFIX)):
            if self.batching:
                self._empty_staging(iri)
            else:
                self.client.delete_graph(iri)
            self.report.staging_removed.append(iri)
        if not force and self.batching:
            self.report.skipped = [
                graph.iri
                for graph in self.index.dataset.graphs
                if graph.iri in self.hashes
                and self.stored.get(graph.iri) == self.hashes[graph.iri]
                and state.counts.get(graph.iri, 0) == graph.triples
            ]
        self.plan = plan_load(
            self.index,
            self.client.profile,
            chunk_triples=self.chunk_triples,
            staging=self.staging,
            skip=set(self.report.skipped),
        )
        # Graphs sent on their own lose their hash before they change (a batch does this
        # in its own transaction); they get it back once complete (see :meth:`record`).
        self.forget([g.iri for g in self.plan.graphs if g.batch is None and g.iri in self.stored])

    def _hash_triples(self, iris: list[str], hashes: dict[str, str]) -> list[str]:
        return [f'{iri_ref(iri)} <{SHA256}> "{hashes[iri]}" .' for iri in iris if iri in hashes]

    def forget(self, iris: list[str]) -> None:
        """Remove the recorded hashes of ``iris`` (one update)."""
        triples = self._hash_triples(iris, self.stored)
        if triples:
            self.client.update(
                "DELETE DATA {\n" + "\n".join(triples) + "\n}",
                what=f"forgetting the content hashes of {len(triples)} graphs",
            )
        for iri in iris:
            self.stored.pop(iri, None)

    def record(self) -> None:
        """Record the hashes of the graphs written on their own (one update)."""
        triples = self._hash_triples(self.unrecorded, self.hashes) if self.batching else []
        if triples:
            self.client.update(
                "INSERT DATA {\n" + "\n".join(triples) + "\n}",
                what=f"recording the content hashes of {len(triples)} graphs",
            )
            for iri in self.unrecorded:
                if iri in self.hashes:
                    self.stored[iri] = self.hashes[iri]
        self.unrecorded = []

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
        stale = self._hash_triples([graph.iri for _, graph in items], self.stored)
        if stale:
            parts.append(("DELETE DATA {\n" + "\n".join(stale) + "\n}").encode())
        blocks: list[bytes] = []
        # the graphs and the record of their content change in one transaction
        hashes = self._hash_triples([graph.iri for _, graph in items], self.hashes)
        blocks.extend(f"{line}\n".encode() for line in hashes)
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
            self.client.update(
                b" ;\n".join(parts),
                what=f"update of {len(items)} graphs {_span(items)} (one transaction)",
            )
            self.report.requests += 1
        self._loaded(items)
        self.in_flight = []

    def _fresh(self, graph: GraphPlan) -> bool:
        """A graph absent on the server, without a recorded hash and without blank nodes:
        it can be added by a plain dataset ``POST`` (nothing to delete first, and a retried
        request cannot duplicate anything)."""
        return (
            graph.iri not in self.present
            and graph.iri not in self.stored
            and self.index.slice(graph.iri).blank_triples == 0
        )

    def queue_batch(self, items: list[tuple[int, GraphPlan]]) -> None:
        """Send a batch: one of new graphs waits for a second one, so that two such
        requests are in flight at once (see :meth:`flush`); any other batch is sent now."""
        if not all(self._fresh(graph) for _, graph in items):
            self.flush()
            self.send_batch(items)
            return
        self.waiting.append(items)
        if len(self.waiting) == 2:
            self.flush()

    def flush(self) -> None:
        """Send the waiting batches of new graphs, two requests in flight at once.

        Each is one ``POST`` of N-Quads (one transaction, see :meth:`_fresh_body`); two at
        once let the server parse and insert on both cores, which one request does not
        (measured at 1,000 notes on this 2-core machine: 3.7–3.9 s against 4.1–5.1 s for
        one ``POST`` of everything). The requests touch disjoint graphs, so their order
        does not matter; a failure of either is raised after both have finished.
        """
        waiting, self.waiting = self.waiting, []
        if not waiting:
            return
        self.in_flight = [graph.iri for items in waiting for _, graph in items]
        bodies = [self._fresh_body(items) for items in waiting]
        errors: list[BaseException | None] = [None] * len(waiting)

        def send(position: int) -> None:
            body, what = bodies[position]
            try:
                # StoreClient has no public dataset POST; its request method keeps the
                # retries, the credentials and the redaction of secrets in errors.
                self.client._request(
                    "POST",
                    self.client.profile.gsp_url,
                    what=what,
                    data=body,
                    headers={"Content-Type": "application/n-quads"},
                )
            except BaseException as error:  # re-raised in the calling thread
                errors[position] = error

        threads = [threading.Thread(target=send, args=(i,)) for i in range(1, len(waiting))]
        for thread in threads:
            thread.start()
        send(0)
        for thread in threads:
            thread.join()
        for items, error in zip(waiting, errors, strict=True):
            if error is None:
                self._fresh_done(items)
        failure = next((e for e in errors if e is not None), None)
        if failure is not None:
            self.in_flight = [
                graph.iri
                for items, error in zip(waiting, errors, strict=True)
                if error is not None
                for _, graph in items
            ]
            raise failure
        self.in_flight = []

    def _fresh_body(self, items: list[tuple[int, GraphPlan]]) -> tuple[bytes, str]:
        """One ``POST`` body adding graphs that are absent on the server: their N-Quads and
        their hash records (in the default graph), for the store's dataset endpoint.

        Oxigraph loads a ``POST /store`` body in one transaction (``?no_transaction`` would
        be its non-atomic bulk loader), so the graphs of the request, with their hashes,
        appear together or not at all; and its N-Quads parser is faster than the SPARQL
        parser an ``INSERT DATA`` of the same triples goes through. The lines are the
        build's own, copied byte for byte from ``tradekg.nq`` (already checked by
        :func:`~loader.store.dist.index_dataset`).
        """
        parts: list[bytes] = []
        with self.index.dataset.nquads_path.open("rb") as handle:
            for _, graph in items:
                for start, end in self.index.slice(graph.iri).runs:
                    handle.seek(start)
                    data = handle.read(end - start)
                    parts.append(data if data.endswith(b"\n") else data + b"\n")
        hashes = self._hash_triples([graph.iri for _, graph in items], self.hashes)
        parts.extend(f"{line}\n".encode() for line in hashes)
        return b"".join(parts), f"POST of {len(items)} new graphs {_span(items)} (one transaction)"

    def _fresh_done(self, items: list[tuple[int, GraphPlan]]) -> None:
        self.report.requests += 1
        self._loaded(items)

    def _loaded(self, items: list[tuple[int, GraphPlan]]) -> None:
        """Count and remember the graphs of ``items`` as now on the server, with their hashes."""
        for number, graph in items:
            self.report.triples += graph.triples
            self.report.graphs += 1
            if graph.triples:
                self.present.add(graph.iri)
            else:
                self.present.discard(graph.iri)
            if graph.iri in self.hashes:
                self.stored[graph.iri] = self.hashes[graph.iri]
            self._tell(number, graph, graph.triples)

    def load_graph(self, number: int, graph: GraphPlan) -> None:
        if graph.triples == 0:
            self.client.delete_graph(graph.iri)
            self.unrecorded.append(graph.iri)
            self._tell(number, graph, 0)
            return
        if not graph.staged:
            self._send(number, graph, graph.iri)
            self.unrecorded.append(graph.iri)
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
            self.unrecorded.append(graph.iri)
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
        self.forget([iri for iri in self.report.pruned if iri in self.stored])


def load_dataset(
    index: DatasetIndex,
    client: StoreClient,
    *,
    chunk_triples: int = DEFAULT_CHUNK_TRIPLES,
    prune: bool = False,
    staging: bool = True,
    progress: ProgressCallback | None = None,
    force: bool = False,
) -> LoadReport:
    """Write every graph of ``index`` to the store, optionally prune, then verify.

    A graph the server already holds in exactly this version — its hash recorded by an
    earlier load equals the manifest's, and its triple count too — is not sent (listed in
    the report's ``skipped``); ``force`` sends every graph regardless.

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
        loader.prepare(force=force)
        count = len(loader.plan.graphs)
        pending: list[tuple[int, GraphPlan]] = []
        for number, graph in enumerate(loader.plan.graphs, start=1):
            if pending and pending[-1][1].batch != graph.batch:
                current = pending[0][1].iri
                loader.queue_batch(pending)
                pending = []
            if graph.batch is not None:
                pending.append((number, graph))
                continue
            loader.flush()
            current = graph.iri
            loader.load_graph(number, graph)
            loader.report.graphs += 1
        if pending:
            current = pending[0][1].iri
            loader.queue_batch(pending)
        loader.flush()
        current = None
        loader.record()
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
    unchanged = not loader.plan.graphs and not loader.report.pruned
    # nothing was written: the counts read at the start are the server's counts now
    before = loader.counts_before if unchanged else None
    loader.report.checks = verify_counts(client, index.dataset, counts=before)
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


def _span(items: list[tuple[int, GraphPlan]]) -> str:
    """The graphs of a batch for messages: ``<first>`` or ``<first> … <last>``."""
    first, last = items[0][1].iri, items[-1][1].iri
    return f"<{first}>" if len(items) == 1 else f"<{first}> … <{last}>"
