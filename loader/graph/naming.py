"""A readable name for every thing a note defines without a ``label:``.

Notes name agreements, people and organisations themselves; commitments, statistics,
lifecycle steps, roles and sources are usually left unnamed, and an answer that shows
``id:commitment/vnm-usa-…`` is not read. The mapper asks :func:`generated_label` for each
statement that has no label (and no ``title`` for a source) and writes the answer twice into
the note's graph: as ``rdfs:label``, so that every triplestore and every query shows it, and as
``tkg:generatedLabel`` (a subproperty of ``rdfs:label``), which marks it as made by the
loader, not written by a researcher. A label the note gives is never replaced.

The name comes from the thing's class and property values: a small rule table (:data:`RULES`)
for the important classes, else the class label followed by the first key values in the
order the note writes them, so that a class a researcher adds gets a sensible name with no
code. Everything is read from the statement and what it refers to, so names are
deterministic; a referred thing's label is part of the reference the build tracks, so an
incremental build redoes a note when a thing its name uses is renamed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from loader.namespaces import DCTERMS, PROV, RDF, RDFS, SCHEMA, SKOS, TKG, XSD
from loader.units import amount, compact

#: Classes a note must name itself (the shapes ask for ``label:``): no name is made up.
NAMED_BY_NOTE: frozenset[str] = frozenset(
    TKG + c for c in ("Person", "Organization", "Place", "Agreement", "Party")
)
#: Properties that already name a thing: a statement with one gets no generated label.
NAMING: frozenset[str] = frozenset(
    {RDFS + "label", DCTERMS + "title", SKOS + "prefLabel", SCHEMA + "name"}
)
#: Properties that say where a fact comes from or how sure it is, not what it is.
_NOT_KEY: frozenset[str] = frozenset(
    {
        RDF + "type",
        PROV + "wasDerivedFrom",
        TKG + "evidence",
        TKG + "claimStatus",
        TKG + "reportedAs",
        TKG + "attributedTo",
        SKOS + "editorialNote",
        SKOS + "altLabel",
        SKOS + "note",
    }
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: A statement's values: property IRI → the objects, in the order the note writes them.
Values = Mapping[str, Sequence[ox.NamedNode | ox.Literal]]
#: The name of a referred thing (its label, a value's label, else the id the note writes).
Namer = Callable[[ox.NamedNode], str]


class _Thing:
    """One statement's values, read as text."""

    def __init__(self, values: Values, name: Namer, notation: Namer, when: str | None) -> None:
        self.values = values
        self.name = name
        self.notation = notation
        #: the date of the note's source, for facts the note gives no date of their own
        self.when = when

    def all(self, prop: str) -> list[str]:
        return [self.show(o) for o in self.values.get(prop, ())]

    def one(self, prop: str) -> str | None:
        found = self.all(prop)
        return found[0] if found else None

    def show(self, term: ox.NamedNode | ox.Literal) -> str:
        if isinstance(term, ox.NamedNode):
            return self.name(term)
        return shown_date(term.value) if term.datatype.value in _DATES else term.value


_DATES = frozenset(XSD + t for t in ("date", "gYearMonth", "gYear", "dateTime"))


def shown_date(text: str) -> str:
    """A date at the precision it is stored: ``25 Jun 2025``, ``Jun 2025``, ``2025``."""
    parts = text.split("T")[0].split("-")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2 and len(parts[0]) == 4:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return text
    return text


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _commitment(t: _Thing) -> str | None:
    obligors = t.all(TKG + "obligor")
    if not obligors:
        return None
    beneficiaries = t.all(TKG + "beneficiary")
    others = [b for b in beneficiaries if b not in obligors]
    if others:
        head = f"{_and(obligors)} → {_and(others)}"
    elif beneficiaries and len(obligors) > 1:
        head = f"{_and(obligors)} (mutual)"
    else:
        head = _and(obligors)
    what = t.one(TKG + "commitmentType") or t.one(TKG + "reportedAs") or "commitment"
    products = t.all(TKG + "concernsProduct")
    if products:
        what += f", {_and(products)}"
    when = t.one(TKG + "onDate") or t.when
    return f"{head}: {what}" + (f" ({when})" if when else "")


def _statistic(t: _Thing) -> str | None:
    kind = t.one(TKG + "statisticKind")
    reporter = t.one(TKG + "reporter")
    if kind is None or reporter is None:
        return None
    text = f"{reporter} {kind}"
    partner = t.one(TKG + "partner")
    if partner:
        text += f" with {partner}"
    period = t.one(TKG + "referencePeriod")
    if period:
        text += f", {period}"
    amount = _amount(t)
    return f"{text}: {amount}" if amount else text


def _amount(t: _Thing) -> str | None:
    values = t.values.get(SCHEMA + "value", ())
    if not values or not isinstance(values[0], ox.Literal):
        return None
    try:
        number = Decimal(values[0].value)
    except InvalidOperation:
        return values[0].value
    units = t.values.get(TKG + "unit", ())
    unit = t.notation(units[0]) if units and isinstance(units[0], ox.NamedNode) else None
    text = amount(number, unit) if unit else compact(number)
    qualifier = t.one(TKG + "valueQualifier")
    return f"{qualifier} {text}" if qualifier else text


def _step(t: _Thing) -> str | None:
    agreement, stage = t.one(TKG + "ofAgreement"), t.one(TKG + "stage")
    if agreement is None or stage is None:
        return None
    notes: list[str] = []
    claim = t.values.get(TKG + "claimStatus", ())
    if claim and claim[0].value != TKG + "claim-status-reported":
        notes.append(t.show(claim[0]))
    date = t.one(TKG + "onDate")
    if date:
        notes.append(date)
    elif t.when:
        notes.append(f"as of {t.when}")
    return f"{agreement}: {stage}" + (f" ({', '.join(notes)})" if notes else "")


def _role(t: _Thing) -> str | None:
    holder = t.one(TKG + "holder")
    title = t.one(TKG + "roleTitle")
    if holder is None or title is None:
        return None
    where = t.one(TKG + "roleIn")
    return f"{holder}, {title}" + (f" ({where})" if where else "")


def _source(t: _Thing) -> str | None:
    publisher = t.one(DCTERMS + "publisher")
    if publisher is None:
        return None
    kind = t.one(TKG + "documentKind") or "article"
    date = t.one(DCTERMS + "issued")
    if date is None:
        start = t.one(TKG + "coverageStart")
        date = f"written {start} or later" if start else "undated"
    return f"{publisher} {kind} ({date})"


#: Class IRI → the rule that names its instances (None: the rule's key values are missing).
RULES: dict[str, Callable[[_Thing], str | None]] = {
    TKG + "Commitment": _commitment,
    TKG + "Statistic": _statistic,
    TKG + "LifecycleStep": _step,
    TKG + "Role": _role,
    TKG + "SourceDocument": _source,
}


def generated_label(
    classes: Sequence[str],
    values: Values,
    *,
    name: Namer,
    notation: Namer,
    class_label: Callable[[str], str | None],
    when: str | None = None,
) -> str | None:
    """The name of a thing the note leaves unnamed, or None when it has one or must have one.

    ``name`` gives the name of a referred thing, ``notation`` a value's notation (a unit's
    ``USD``), ``class_label`` a class's label (from the
    ontology), ``when`` the date of the note's source as :func:`shown_date` writes it.
    """
    if any(p in NAMING for p in values) or any(c in NAMED_BY_NOTE for c in classes):
        return None
    thing = _Thing(values, name, notation, when)
    for cls in classes:
        rule = RULES.get(cls)
        label = rule(thing) if rule else None
        if label:
            return label
    return _fallback(classes, thing, class_label)


def _fallback(
    classes: Sequence[str], thing: _Thing, class_label: Callable[[str], str | None]
) -> str | None:
    """The class label and the first three key values: ``Event: WTO, 12 Jun 2025``."""
    kind = next((label for c in classes if (label := class_label(c))), None)
    shown = [
        thing.show(o)
        for prop, objects in thing.values.items()
        if prop not in _NOT_KEY
        for o in objects
        if not (isinstance(o, ox.Literal) and len(o.value) > 60)
    ][:3]
    if kind is None and not shown:
        return None
    head = (kind or "thing")[:1].upper() + (kind or "thing")[1:]
    return f"{head}: {', '.join(shown)}" if shown else head
