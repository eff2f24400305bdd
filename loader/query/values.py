"""Value-set parameters: the words notes write (``announced``) for a query's controlled values.

A parameter such as ``?_stage_iri`` in ``?step tkg:stage ?_stage_iri`` stands for a member of
the property's range, and when that range is a value set of the ontology (its members carry
``skos:notation``), users may write the notation exactly as notes do: ``--param
stage=announced``. Which parameters are value sets is read from the query and the graph —
the predicate in front of the parameter and that predicate's ``rdfs:range`` — so a value set a
researcher adds to the ontology works with no change here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from loader.namespaces import PREFIXES, RDF, RDFS, SKOS
from loader.query.params import NameLookup, ParamValueError, bind, resolve
from loader.query.saved import SavedQuery
from loader.query.scan import ScanError, TokenKind, tokens


def parameter_predicates(query: SavedQuery) -> dict[str, str]:
    """Parameter name → the IRI of the predicate written just before its variable."""
    by_variable = {spec.variable: name for name, spec in query.params.items()}
    prefixes = dict(PREFIXES)
    found: dict[str, str] = {}
    try:
        toks = tokens(query.text)
    except ScanError:
        return found
    for i, tok in enumerate(toks):
        if tok.kind is TokenKind.WORD and tok.text.upper() == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1], toks[i + 2]
            if name.text.endswith(":") and iri.kind is TokenKind.IRI:
                prefixes[name.text[:-1]] = iri.text[1:-1]
        elif tok.kind is TokenKind.VAR and tok.text in by_variable and i > 0:
            predicate = _iri_of(toks[i - 1].text, toks[i - 1].kind, prefixes)
            if predicate is not None and predicate != RDF + "type":
                found.setdefault(by_variable[tok.text], predicate)
    return found


def _iri_of(text: str, kind: TokenKind, prefixes: Mapping[str, str]) -> str | None:
    if kind is TokenKind.IRI:
        return text[1:-1]
    if kind is TokenKind.WORD and ":" in text:
        prefix, _, local = text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def value_choices(store: ox.Store, query: SavedQuery) -> dict[str, dict[str, str]]:
    """Parameter name → {notation → IRI} for each IRI parameter whose predicate's range is a
    value set with notations in ``store`` (the built graph)."""
    choices: dict[str, dict[str, str]] = {}
    for name, predicate in parameter_predicates(query).items():
        if query.params[name].kind != "iri":
            continue
        answer = store.query(
            f"SELECT ?value ?notation WHERE {{ <{predicate}> <{RDFS}range> ?set . "
            f"?value a ?set ; <{SKOS}notation> ?notation }}",
            use_default_graph_as_union=True,
        )
        members: dict[str, str] = {}
        if isinstance(answer, ox.QuerySolutions):
            for row in answer:
                value, notation = row["value"], row["notation"]
                if isinstance(value, ox.NamedNode) and isinstance(notation, ox.Literal):
                    members.setdefault(notation.value, value.value)
        if members:
            choices[name] = members
    return choices


def bound_text(
    query: SavedQuery,
    given: Mapping[str, str],
    *,
    store: ox.Store | None,
    ids: Mapping[str, str] | None,
    names: NameLookup | None = None,
) -> str:
    """The query's text with the user's values (and its defaults) bound, as notes write them:
    ids (``VNM``) through ``ids`` and value-set words (``announced``) through ``store``, the
    built graph (None before a build: IRIs must then be written out); ``names`` resolves
    any other name of a thing ("Vietnam", "usa", see :func:`name_lookup`).

    Raises:
        InputError: a parameter is unknown, missing or has a wrong value (all at once).
    """
    choices = value_choices(store, query) if store is not None else None
    return bind(query.text, resolve(query.params, given, ids=ids, choices=choices, names=names))


def name_lookup(store: ox.Store | None, dist_dir: Path) -> NameLookup | None:
    """A parameter's name resolver over the last build (None without one); the index is
    loaded at the first parameter that needs it, so a query with only ids loads nothing."""
    if store is None:
        return None
    from loader.query.names import NameError_, Names, load_names

    loaded: list[Names] = []

    def lookup(text: str) -> str:
        if not loaded:
            loaded.append(load_names(store, dist_dir))
        try:
            return loaded[0].resolve(text)
        except NameError_ as error:
            raise ParamValueError(error.problem.message, hint=error.problem.hint) from None

    return lookup
