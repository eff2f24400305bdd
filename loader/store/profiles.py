"""Where each triplestore keeps its Graph Store Protocol, query and update endpoints.

The SPARQL 1.1 Graph Store Protocol is one standard, but every server mounts it at its own
path, names the graph parameter its own way, wants its own authentication and has its own
idea of which update statements are safe. A :class:`StoreProfile` holds those differences
as data, so the loader itself (:mod:`loader.store.load`) has no ``if store == …`` branches.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from urllib.parse import quote, urlsplit


class StoreKind(enum.StrEnum):
    """The stores ``tradekg load`` knows; ``generic`` is any GSP server given by URL."""

    OXIGRAPH = "oxigraph"
    FUSEKI = "fuseki"
    GRAPHDB = "graphdb"
    VIRTUOSO = "virtuoso"
    GENERIC = "generic"


class AuthScheme(enum.StrEnum):
    """How credentials are sent: Virtuoso's ``*-auth`` endpoints refuse Basic (401)."""

    BASIC = "basic"
    DIGEST = "digest"


class ProfileError(ValueError):
    """The endpoint URL or the options do not fit the chosen store (a usage error)."""


@dataclass(frozen=True, slots=True)
class StoreProfile:
    """The URLs and dialect of one store, ready to use.

    ``drop_template`` removes a graph whether or not it exists and whether or not it was
    made with ``CREATE GRAPH``: plain ``DROP GRAPH`` fails on Virtuoso for graphs that were
    only ever written through GSP, and on every store for a graph that does not exist.
    """

    kind: StoreKind
    gsp_url: str
    graph_param: str
    query_url: str
    update_url: str | None
    auth: AuthScheme
    content_type: str
    drop_template: str = "DROP SILENT GRAPH <{graph}>"
    #: how to make the default graph the union of the named graphs (the saved queries need it)
    union_default_graph: str = ""
    #: send many small graphs in one SPARQL Update request (delete the old versions, then
    #: ``INSERT DATA``) and move staged graphs with ``INSERT … WHERE``. Only for stores where
    #: it is tested that one update request is one transaction and measured to be faster
    #: than one ``PUT`` per graph (Oxigraph: one commit per request instead of per graph).
    batch_updates: bool = False

    def graph_url(self, graph_iri: str) -> str:
        """The GSP URL addressing one named graph (the IRI percent-encoded as a parameter)."""
        separator = "&" if "?" in self.gsp_url else "?"
        return f"{self.gsp_url}{separator}{self.graph_param}={quote(graph_iri, safe='')}"

    def drop_update(self, graph_iri: str) -> str:
        """A SPARQL Update that removes ``graph_iri`` and never fails because it is absent."""
        return self.drop_template.format(graph=graph_iri)


def _base(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ProfileError(f"--endpoint must be an http(s) URL, not {endpoint!r}")
    if parts.query or parts.fragment:
        raise ProfileError("--endpoint must not have a query string or fragment")
    return endpoint.rstrip("/")


def profile_for(
    kind: StoreKind | str,
    endpoint: str,
    *,
    query_endpoint: str | None = None,
    update_endpoint: str | None = None,
) -> StoreProfile:
    """The profile of ``kind`` rooted at ``endpoint`` (the server's or the dataset's base URL).

    ``query_endpoint`` / ``update_endpoint`` override the store's usual paths (a proxy,
    a renamed Fuseki service); ``generic`` needs ``query_endpoint`` because without it the
    load could not be verified.

    Raises:
        ProfileError: an unknown store, a URL that is not http(s), a GraphDB URL without
            ``/repositories/ID``, or ``generic`` without a query endpoint.
    """
    try:
        kind = StoreKind(kind)
    except ValueError:
        raise ProfileError(f"unknown store {kind!r}") from None
    base = _base(endpoint)
    profile: StoreProfile
    if kind is StoreKind.OXIGRAPH:
        profile = StoreProfile(
            kind=kind,
            gsp_url=base + "/store",
            graph_param="graph",
            query_url=base + "/query",
            update_url=base + "/update",
            auth=AuthScheme.BASIC,
            content_type="application/n-triples",
            union_default_graph="oxigraph serve --union-default-graph",
            batch_updates=True,
        )
    elif kind is StoreKind.FUSEKI:
        profile = StoreProfile(
            kind=kind,
            gsp_url=base,
            graph_param="graph",
            query_url=base + "/query",
            update_url=base + "/update",
            auth=AuthScheme.BASIC,
            content_type="application/n-triples",
            union_default_graph="tdb2:unionDefaultGraph true in the dataset's assembler",
        )
    elif kind is StoreKind.GRAPHDB:
        if "/repositories/" not in base:
            raise ProfileError(
                "for --store graphdb, --endpoint is the repository URL, "
                "e.g. http://localhost:7200/repositories/tradekg"
            )
        profile = StoreProfile(
            kind=kind,
            gsp_url=base + "/rdf-graphs/service",
            graph_param="graph",
            query_url=base,
            update_url=base + "/statements",
            auth=AuthScheme.BASIC,
            content_type="application/n-triples",
            union_default_graph="by default (the default graph is the union of all graphs)",
        )
    elif kind is StoreKind.VIRTUOSO:
        profile = StoreProfile(
            kind=kind,
            gsp_url=base + "/sparql-graph-crud-auth",
            graph_param="graph-uri",
            query_url=base + "/sparql-auth",
            update_url=base + "/sparql-auth",
            auth=AuthScheme.DIGEST,
            # N-Triples is Turtle; Virtuoso 7 sniffs and rejects some bodies as text/plain.
            content_type="text/turtle",
            drop_template="DROP SILENT GRAPH <{graph}>",
            union_default_graph="by default (a query without FROM sees all graphs)",
        )
    else:
        if query_endpoint is None:
            raise ProfileError(
                "--store generic needs --query-endpoint: the load is verified by counting "
                "every graph's triples with SPARQL"
            )
        profile = StoreProfile(
            kind=kind,
            gsp_url=base,
            graph_param="graph",
            query_url=query_endpoint,
            update_url=update_endpoint,
            auth=AuthScheme.BASIC,
            content_type="application/n-triples",
            union_default_graph="see the store's documentation",
        )
    if query_endpoint is not None or update_endpoint is not None:
        profile = dataclasses.replace(
            profile,
            query_url=query_endpoint or profile.query_url,
            update_url=update_endpoint or profile.update_url,
        )
    return profile
