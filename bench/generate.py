"""A realistic, deterministic synthetic corpus of notes for benchmarking the pipeline.

``python -m bench.generate --notes N --out DIR`` writes N ordinary YAML notes under
``DIR/data/notes/``, the source text each quotes under ``DIR/data/sources/``, and copies
``ontology/``, ``data/reference/``, ``shapes/`` and ``queries/``
next to them, so that DIR is a complete project ``tradekg build --project DIR`` accepts.

Why synthetic and why like this: a benchmark at a million triples needs ten thousand notes,
far more than people have written, and it must exercise what real notes exercise — ids
defined once and referred to across notes, references to reference data (sovereign states,
HS 2022 codes, product groups), controlled values, dates of every precision, numbers with
units, and an evidence quote on every statement — or the timings say nothing about real
data. Every note is drawn from its own random generator seeded with ``(seed, note index)``,
so a corpus is byte-identical for the same arguments and an edit of one note touches nothing
else. Every class, property and controlled value used is checked against the ontology before
anything is written, and properties whose range the ontology does not (yet) accept for a
kind of value (for example a Person as ``participant`` when ``tkg:Person`` is not declared
below ``prov:Agent``) are simply not used, so the corpus stays valid as the ontology evolves.

Every saved query must answer on the corpus, or its timing measures empty work. So the
generator reads the default parameters of the project's saved queries (``#+ defaults:`` in
``queries/*.rq``) and gives the ids they name to things of the corpus: an agreement, a
statistic, a source document (the note file whose key gives that IRI), spread over the
corpus; and it writes every kind of statement a saved query asks for (roles of people,
export restrictions, tariff exemptions), not only the common ones.

About 100 triples per note: 10,000 notes plus the ontology and reference data (~46 k) make
about a million triples.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from loader.namespaces import ID, TKG
from loader.read.vocabulary import Vocabulary, load_vocabulary

#: The repository this module lives in: the default source of ontology, reference data, …
REPO_ROOT = Path(__file__).resolve().parent.parent
#: Folders copied into a generated project (when they exist in the source project).
PROJECT_PARTS = ("ontology", "data/reference", "shapes", "queries")
#: Written into a generated project, so that ``--out`` never wipes a folder it did not make.
MARKER = ".bench-corpus.json"
DEFAULT_SEED = 20251027

#: Big traders appear in about half of the agreements, as they do in the news.
HUB_STATES = ("USA", "CHN", "JPN", "DEU", "GBR", "IND", "KOR", "FRA", "BRA", "AUS", "CAN", "MEX")

AGREEMENT_KINDS = (
    "trade-deal",
    "framework-accord",
    "reciprocal-trade-arrangement",
    "free-trade-agreement",
    "memorandum-of-understanding",
    "preliminary-agreement",
    "critical-minerals-accord",
    "export-arrangement",
)
#: Lifecycle stages in the order an agreement passes them.
STAGES = ("mooted", "under-negotiation", "announced", "concluded", "signed", "in-force")
BINDINGNESS = ("binding", "non-binding", "unclear")
MEASURE_STATUSES = ("threatened", "announced", "in-effect", "maintained", "agreed", "suspended")
COMMITMENT_TYPES = (
    "tariff",
    "purchase",
    "export-restriction",
    "market-access",
    "standards-recognition",
    "rules-of-origin",
    "labour",
    "environment",
    "digital-trade",
    "investment",
    "supply-chain",
    "export-facilitation",
)
COMMITMENT_STATUSES = ("mooted", "proposed", "pledged", "agreed", "implemented")
CLAIM_STATUSES = ("reported", "reported", "reported", "claimed", "expected", "unconfirmed")
DOCUMENT_KINDS = ("news-article", "news-article", "wire-report", "analysis", "official-document")
VALUE_QUALIFIERS = ("exactly", "about", "at-least", "at-most")
RATES = ("2.5", "5", "7.5", "10", "12", "15", "19", "20", "25", "30", "34", "46", "50", "100")
LEGAL_BASES = ("Section 232", "Section 301", "IEEPA", "GATT Article XXI", "safeguard regulation")
EVENT_CLASSES = ("NegotiationRound", "Summit", "Meeting", "PhoneCall", "Visit")
ORG_CLASSES = ("Company", "Company", "Company", "ResearchInstitute", "GovernmentBody")
ROLE_TITLES = ("Minister of Trade", "Trade Representative", "Chief Negotiator", "Ambassador")

FIRST_NAMES = (
    "Anna", "Bao", "Carlos", "Divya", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kemal", "Lena", "Mei", "Nikhil", "Olga", "Pedro", "Quynh", "Rafael", "Sara", "Tomas",
    "Uma", "Viktor", "Wei", "Ximena", "Yusuf", "Zofia",
)  # fmt: skip
LAST_NAMES = (
    "Abe", "Banda", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lopez", "Mensah", "Nguyen", "Okafor", "Park", "Quispe", "Rossi",
    "Silva", "Tanaka", "Usman", "Varga", "Wong", "Yilmaz", "Zhou",
)  # fmt: skip
ORG_WORDS = (
    "Pacific", "Atlantic", "Global", "Asia", "Trade", "Market", "Harbour", "Meridian",
    "Summit", "Capital", "Continental", "Northern", "Southern", "Commerce", "Policy",
)  # fmt: skip
ORG_SUFFIX = {
    "Company": ("Daily", "Times", "Wire", "Review", "Post", "Herald"),
    "ResearchInstitute": ("Institute", "Centre for Trade Studies", "Economics Forum"),
    "GovernmentBody": ("Trade Office", "Statistics Bureau", "Customs Agency", "Ministry of Trade"),
}


# ---------------------------------------------------------------------------------------------
# What the corpus is made of
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class State:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class ReferencePools:
    """The reference ids notes may refer to, read from the project's own CSV files."""

    states: tuple[State, ...]
    hs_codes: tuple[str, ...]
    product_groups: tuple[str, ...]

    def state(self, code: str) -> State:
        for state in self.states:
            if state.code == code:
                return state
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Org:
    id: str
    label: str
    cls: str
    located_in: str


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    label: str
    affiliation: str


@dataclass(frozen=True, slots=True)
class AgreementHead:
    """What other notes need to know of a note's agreement to refer to it."""

    id: str
    parties: tuple[str, ...]
    kind: str
    year: int


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Which optional uses of properties the ontology accepts (see the module docstring)."""

    person_as_participant: bool
    org_as_publisher_of_statistic: bool
    person_as_attributed_to: bool
    affiliated_with: bool
    roles: bool = False
    exemptions: bool = False
    export_restrictions: bool = False


@dataclass
class Plan:
    """The corpus-wide parts: shared organisations and people, and which note defines each."""

    notes: int
    seed: int
    pools: ReferencePools
    caps: Capabilities
    orgs: list[Org] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    #: note index → organisations / people that note defines
    org_definer: dict[int, list[Org]] = field(default_factory=dict)
    person_definer: dict[int, list[Person]] = field(default_factory=dict)
    #: note index → the id its agreement / statistic gets, the key its file gets (the ids
    #: that the saved queries' default parameters name, see :func:`default_ids`)
    agreement_ids: dict[int, str] = field(default_factory=dict)
    statistic_ids: dict[int, str] = field(default_factory=dict)
    note_keys: dict[int, str] = field(default_factory=dict)

    @property
    def publishers(self) -> list[Org]:
        return [o for o in self.orgs if o.cls == "Company"] or self.orgs

    @property
    def statistics_bodies(self) -> list[Org]:
        return [o for o in self.orgs if o.cls != "Company"] or self.orgs


def load_pools(reference_dir: Path) -> ReferencePools:
    """Sovereign states, HS headings and subheadings, and product groups (not sectors)."""
    with (reference_dir / "country-codes.csv").open(encoding="utf-8", newline="") as handle:
        states = tuple(
            State(row["ISO3166-1-Alpha-3"].strip(), row["CLDR display name"].strip())
            for row in csv.DictReader(handle)
            if row["is_independent"].strip() == "Yes"
        )
    with (reference_dir / "harmonized-system.csv").open(encoding="utf-8", newline="") as handle:
        hs_codes = tuple(
            row["hscode"].strip()
            for row in csv.DictReader(handle)
            if row["level"].strip() in {"4", "6"}
        )
    with (reference_dir / "product-groups.csv").open(encoding="utf-8", newline="") as handle:
        groups = tuple(
            row["id"].strip()
            for row in csv.DictReader(handle)
            if row["kind"].strip() == "ProductGroup"
        )
    return ReferencePools(states, hs_codes, groups)


def capabilities(vocab: Vocabulary) -> Capabilities:
    """Check every term the generator uses; find which optional uses are valid.

    Raises:
        SystemExit: the ontology lacks a class, property or controlled value the generator
            relies on (the generator must then be updated, not the corpus silently changed).
    """
    missing: list[str] = []
    for cls in (
        "Agreement", "LifecycleStep", "TariffMeasure", "Commitment", "Statistic", "Person",
        "Organization", "Company", "ResearchInstitute", "GovernmentBody", *EVENT_CLASSES,
    ):  # fmt: skip
        if not vocab.find_class(cls):
            missing.append(f"class {cls}")
    value_sets = {
        "AgreementKind": AGREEMENT_KINDS,
        "AgreementStage": STAGES,
        "Bindingness": BINDINGNESS,
        "MeasureStatus": MEASURE_STATUSES,
        "CommitmentType": COMMITMENT_TYPES,
        "CommitmentStatus": COMMITMENT_STATUSES,
        "ClaimStatus": CLAIM_STATUSES,
        "DocumentKind": DOCUMENT_KINDS,
        "ValueQualifier": VALUE_QUALIFIERS,
        "ProductScope": ("selected-products", "all-goods"),
        "Unit": ("USD", "percent"),
        "StatisticKind": ("trade-balance", "bilateral-trade", "export-growth"),
    }
    for value_set, notations in value_sets.items():
        for notation in notations:
            if vocab.find_value(TKG + value_set, notation) is None:
                missing.append(f"value {notation} of {value_set}")
    if missing:
        raise SystemExit("the ontology lacks terms the generator uses: " + ", ".join(missing))

    def accepts(prop: str, cls: str) -> bool:
        found = vocab.find_property(prop)
        if len(found) != 1:
            return False
        target = found[0].range
        return target is None or vocab.is_subclass(TKG + cls, target)

    return Capabilities(
        person_as_participant=accepts("participant", "Person"),
        org_as_publisher_of_statistic=accepts("publishedBy", "ResearchInstitute")
        and accepts("publishedBy", "GovernmentBody"),
        person_as_attributed_to=accepts("attributedTo", "Person"),
        affiliated_with=accepts("affiliatedWith", "Company"),
        roles=bool(vocab.find_class("Role"))
        and all(len(vocab.find_property(p)) == 1 for p in ("holder", "roleTitle", "roleIn")),
        exemptions=all(
            len(vocab.find_property(p)) == 1 for p in ("exemptionFrom", "scopeDescription")
        ),
        export_restrictions=bool(vocab.find_class("ExportRestriction")),
    )


def make_plan(notes: int, seed: int, pools: ReferencePools, caps: Capabilities) -> Plan:
    """Shared organisations (one per ~20 notes) and people (one per ~4 notes), each defined by
    exactly one note, spread evenly, and referred to by id from any note."""
    plan = Plan(notes=notes, seed=seed, pools=pools, caps=caps)
    rng = random.Random(f"tradekg-bench:{seed}:plan")
    n_orgs = min(notes, max(3, notes // 20))
    n_people = min(notes, max(5, notes // 4))
    for j in range(n_orgs):
        cls = ORG_CLASSES[j % len(ORG_CLASSES)]
        words = rng.sample(ORG_WORDS, 2)
        label = f"{words[0]} {words[1]} {rng.choice(ORG_SUFFIX[cls])}"
        org = Org(f"{_slug(label)}-{j}", label, cls, rng.choice(pools.states).code)
        plan.orgs.append(org)
        plan.org_definer.setdefault(j * notes // n_orgs, []).append(org)
    for j in range(n_people):
        label = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        person = Person(f"{_slug(label)}-{j}", label, plan.orgs[rng.randrange(n_orgs)].id)
        plan.people.append(person)
        plan.person_definer.setdefault(j * notes // n_people, []).append(person)
    return plan


_DEFAULT_LINE = re.compile(r"^#\+\s+-\s+[A-Za-z_][\w-]*\s*:\s*(\S+)\s*$")


def query_defaults(queries_dir: Path) -> list[str]:
    """Every IRI a saved query's ``#+ defaults:`` block names, ``id:`` expanded, in order."""
    found: list[str] = []
    for path in sorted(queries_dir.glob("*.rq")):
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^#\+\s*defaults\s*:", line):
                inside = True
                continue
            match = _DEFAULT_LINE.match(line) if inside else None
            if match is None:
                inside = inside and line.startswith("#+ ") and line[3:4] == " "
                continue
            value = match.group(1).strip("\"'<>")
            if value.startswith("id:"):
                value = ID + value[3:]
            if value.startswith(ID) and value not in found:
                found.append(value)
    return found


def source_key_for(tail: str) -> str | None:
    """The note key whose source document gets ``…/id/source/<tail>`` (asked of the loader's
    own mapping, so that the corpus follows it if the IRI scheme changes)."""
    from loader.graph.mapping import source_iri

    candidates = [tail[:i] + "/" + tail[i + 1 :] for i, c in enumerate(tail) if c == "-"]
    if re.match(r"^\d{4}-", tail):
        candidates.append(f"{tail[:4]}/{tail}")
    for key in candidates:
        if source_iri(SimpleNamespace(key=key)) == ID + "source/" + tail:  # type: ignore[arg-type]
            return key
    return None


def default_ids(plan: Plan, defaults: Sequence[str]) -> list[str]:
    """Give the ids the saved queries' defaults name to notes spread over the corpus; return
    the defaults the generator cannot make (the bench then reports their queries)."""
    wanted: list[tuple[str, str]] = []
    unmade: list[str] = []
    for iri in defaults:
        kind, _, tail = iri[len(ID) :].partition("/")
        if kind == "agreement" or kind == "statistic":
            wanted.append((kind, tail))
        elif kind == "source" and (key := source_key_for(tail)) is not None:
            wanted.append((kind, key))
        elif kind not in ("state", "party", "organization", "hs2022", "product-group"):
            unmade.append(iri)  # reference data is there anyway; anything else is not made
    for n, (kind, value) in enumerate(wanted):
        index = (2 * n + 1) * plan.notes // (2 * len(wanted))
        table = {"agreement": plan.agreement_ids, "statistic": plan.statistic_ids}
        table.get(kind, plan.note_keys)[index] = value
    return unmade


def agreement_head(plan: Plan, index: int) -> AgreementHead:
    """Note ``index``'s agreement, from its own generator: other notes can refer to it."""
    rng = random.Random(f"tradekg-bench:{plan.seed}:{index}:agreement")
    codes = [s.code for s in plan.pools.states]
    first = rng.choice(HUB_STATES) if rng.random() < 0.5 else rng.choice(codes)
    parties = [first]
    wanted = 3 if rng.random() < 0.2 else 2
    while len(parties) < wanted:
        other = rng.choice(codes)
        if other not in parties:
            parties.append(other)
    kind = rng.choice(AGREEMENT_KINDS)
    year = note_date(plan, index).year
    ident = f"{'-'.join(p.lower() for p in parties)}-{kind}-{year}-n{index}"
    return AgreementHead(plan.agreement_ids.get(index, ident), tuple(parties), kind, year)


def note_date(plan: Plan, index: int) -> dt.date:
    """Notes are spread over 2019–2025 in index order (with a few days' jitter)."""
    start = dt.date(2019, 1, 1)
    span = (dt.date(2025, 12, 1) - start).days
    jitter = random.Random(f"tradekg-bench:{plan.seed}:{index}:date").randrange(0, 20)
    return start + dt.timedelta(days=index * span // max(plan.notes, 1) + jitter)


# ---------------------------------------------------------------------------------------------
# Writing one note
# ---------------------------------------------------------------------------------------------


class NoteWriter:
    """Builds the YAML text of one note line by line (no YAML library: it is 10× faster and
    keeps the output exactly as a person would write it)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def top(self, key: str, value: str | None = None) -> None:
        self.lines.append(f"{key}:" if value is None else f"{key}: {value}")

    def statement(self, cls: str, ident: str | None) -> None:
        self.lines.append("")
        self.lines.append(f"  - a: {cls}")
        if ident is not None:
            self.lines.append(f"    id: {ident}")

    def field(self, key: str, value: str | Sequence[str], indent: int = 4) -> None:
        pad = " " * indent
        if isinstance(value, str):
            self.lines.append(f"{pad}{key}: {value}")
        elif len(value) == 1:
            self.lines.append(f"{pad}{key}: {value[0]}")
        else:
            self.lines.append(f"{pad}{key}:")
            self.lines.extend(f"{pad}  - {item}" for item in value)

    def text(self, key: str, value: str | Sequence[str], indent: int = 4) -> None:
        if isinstance(value, str):
            self.field(key, quote(value), indent)
        else:
            self.field(key, [quote(v) for v in value], indent)

    def render(self) -> str:
        return "\n".join(self.lines) + "\n"


def quote(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in out.split("-") if part)


def _iso(day: dt.date, precision: str) -> str:
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def _precision(rng: random.Random) -> str:
    return rng.choices(("day", "month", "year"), weights=(6, 3, 1))[0]


def _product(plan: Plan, rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(plan.pools.product_groups)
    return "hs:" + rng.choice(plan.pools.hs_codes)


def note_path(plan: Plan, index: int) -> str:
    """``<year>/<date>-<publisher>-<topic>-<n>.yaml`` below ``data/notes/``."""
    if index in plan.note_keys:
        return plan.note_keys[index] + ".yaml"
    day = note_date(plan, index)
    head = agreement_head(plan, index)
    publisher = _publisher(plan, index)
    topic = f"{'-'.join(p.lower() for p in head.parties)}-{head.kind}"
    return f"{day.year}/{day.isoformat()}-{publisher.id}-{topic}-{index:05d}.yaml"


def _publisher(plan: Plan, index: int) -> Org:
    publishers = plan.publishers
    rng = random.Random(f"tradekg-bench:{plan.seed}:{index}:publisher")
    return publishers[rng.randrange(len(publishers))]


def render_note(plan: Plan, index: int) -> str:
    """The YAML text of note ``index``: source block, definitions, agreement, steps,
    measures, commitments, a statistic and usually an event — ~95 triples."""
    rng = random.Random(f"tradekg-bench:{plan.seed}:{index}")
    pools = plan.pools
    day = note_date(plan, index)
    head = agreement_head(plan, index)
    a, b = head.parties[0], head.parties[1]
    la, lb = pools.state(a).label, pools.state(b).label
    publisher = _publisher(plan, index)
    creator = plan.people[rng.randrange(len(plan.people))]
    w = NoteWriter()

    w.top("source")
    w.text("title", f"{la} and {lb} move on {head.kind.replace('-', ' ')}", 2)
    w.field("publisher", publisher.id, 2)
    w.field("creator", creator.id, 2)
    w.field("issued", day.isoformat(), 2)
    w.field("documentKind", rng.choice(DOCUMENT_KINDS), 2)
    w.text("identifier", f"bench-{plan.seed}-{index:05d}.txt", 2)
    w.text("url", f"https://news.example.org/{day.year}/{index:05d}-{_slug(la)}-{_slug(lb)}", 2)
    w.top("language", "en")
    w.top("statements")

    for org in plan.org_definer.get(index, []):
        w.statement(org.cls, org.id)
        w.text("label", org.label)
        w.field("locatedIn", org.located_in)
        w.field("claimStatus", "reported")
        w.text("evidence", f"{org.label}, based in {pools.state(org.located_in).label}")
    for person in plan.person_definer.get(index, []):
        w.statement("Person", person.id)
        w.text("label", person.label)
        if plan.caps.affiliated_with:
            w.field("affiliatedWith", person.affiliation)
        w.field("claimStatus", "reported")
        w.text("evidence", f"said {person.label}")
        if plan.caps.roles:
            title = ROLE_TITLES[rng.randrange(len(ROLE_TITLES))]
            w.statement("Role", f"role-{person.id}")
            w.field("holder", person.id)
            w.text("roleTitle", title)
            w.field("roleIn", a)
            w.field("claimStatus", "reported")
            w.text("evidence", f"{la}'s {title} {person.label}")

    # -- the agreement and its lifecycle -----------------------------------------------------
    w.statement("Agreement", head.id)
    w.text("label", f"{la}–{lb} {head.kind.replace('-', ' ')} ({head.year})")
    w.field("agreementKind", head.kind)
    w.field("party", list(head.parties))
    w.field("bindingness", rng.choice(BINDINGNESS))
    w.field("concernsProduct", _product(plan, rng))
    w.field("claimStatus", rng.choice(CLAIM_STATUSES))
    w.text("reportedAs", rng.choice(("deal", "agreement", "accord", "pact")))
    w.text(
        "evidence",
        [f"{la} and {lb} reached a {head.kind.replace('-', ' ')}", f"the deal with {lb}"],
    )

    first_stage = rng.randrange(0, 3)
    for step in range(rng.choice((1, 2))):
        stage = STAGES[min(first_stage + step, len(STAGES) - 1)]
        of = head
        if step == 0 and index > 0 and rng.random() < 0.3:
            of = agreement_head(plan, rng.randrange(index))  # another source's agreement
        w.statement("LifecycleStep", f"{head.id}-step-{step}")
        w.field("ofAgreement", of.id)
        w.field("stage", stage)
        w.field("onDate", _iso(day - dt.timedelta(days=10 * (3 - step)), _precision(rng)))
        w.field("claimStatus", rng.choice(CLAIM_STATUSES))
        w.text("evidence", f"the agreement was {stage.replace('-', ' ')}")

    # -- tariff measures ------------------------------------------------------------------------
    previous: str | None = None
    for k in range(rng.choice((1, 1, 2))):
        imposer, target = (a, b) if rng.random() < 0.6 else (b, a)
        rate = rng.choice(RATES)
        status = rng.choice(MEASURE_STATUSES)
        products = [_product(plan, rng) for _ in range(rng.choice((1, 1, 2)))]
        ident = f"tm-{imposer.lower()}-{target.lower()}-{_slug(rate)}-n{index}-{k}"
        announced = day - dt.timedelta(days=rng.randrange(1, 60))
        limp, ltar = pools.state(imposer).label, pools.state(target).label
        w.statement("TariffMeasure", ident)
        w.text("label", f"{limp} {rate}% tariff on goods from {ltar}")
        w.field("imposedBy", imposer)
        w.field("appliesTo", target)
        w.field("rate", rate)
        w.field("measureStatus", status)
        w.field("productScope", "selected-products")
        w.field("concernsProduct", products)
        w.field("announcedOn", _iso(announced, "day"))
        w.field("inEffectFrom", _iso(announced + dt.timedelta(days=rng.randrange(0, 90)), "day"))
        w.field("underAgreement", head.id)
        if previous is not None and rng.random() < 0.3:
            w.field("stacksOn", previous)
        if rng.random() < 0.4:
            w.text("legalBasis", rng.choice(LEGAL_BASES))
        w.field("claimStatus", rng.choice(CLAIM_STATUSES))
        w.text("evidence", f"{limp} set a {rate}% tariff on imports from {ltar}")
        if k == 0 and plan.caps.exemptions and rng.random() < 0.15:
            w.statement("TariffMeasure", f"{ident}-exemption")
            w.text("label", f"{limp} duty-free access for some goods from {ltar}")
            w.field("imposedBy", imposer)
            w.field("appliesTo", target)
            w.field("rate", "0")
            w.field("measureStatus", "agreed")
            w.field("productScope", "selected-products")
            w.field("concernsProduct", products[0])
            w.text("scopeDescription", "certain products")
            w.field("exemptionFrom", ident)
            w.field("underAgreement", head.id)
            w.field("claimStatus", rng.choice(CLAIM_STATUSES))
            w.text("evidence", f"some goods from {ltar} would enter {limp} duty-free")
        previous = ident

    # -- an export restriction --------------------------------------------------------------------
    if plan.caps.export_restrictions and rng.random() < 0.15:
        product = _product(plan, rng)
        w.statement("ExportRestriction", f"er-{b.lower()}-{a.lower()}-n{index}")
        w.text("label", f"{lb} licensing of exports to {la}")
        w.field("imposedBy", b)
        w.field("appliesTo", a)
        w.field("concernsProduct", product)
        w.field("productScope", "selected-products")
        w.field("measureStatus", rng.choice(MEASURE_STATUSES))
        w.field("underAgreement", head.id)
        w.field("claimStatus", rng.choice(CLAIM_STATUSES))
        w.text("evidence", f"{lb} required licences for exports to {la}")

    # -- commitments ----------------------------------------------------------------------------
    for k in range(rng.choice((1, 1, 2))):
        obligor = rng.choice(head.parties)
        beneficiary = rng.choice([p for p in head.parties if p != obligor])
        kind = rng.choice(COMMITMENT_TYPES)
        lob = pools.state(obligor).label
        w.statement("Commitment", f"{head.id}-c{k}")
        w.field("obligor", obligor)
        w.field("beneficiary", beneficiary)
        w.field("underAgreement", head.id)
        w.field("commitmentType", kind)
        w.field("commitmentStatus", rng.choice(COMMITMENT_STATUSES))
        w.field("productScope", "selected-products")
        w.field("concernsProduct", _product(plan, rng))
        w.field("claimStatus", rng.choice(CLAIM_STATUSES))
        w.text("reportedAs", rng.choice(("promised", "pledged", "agreed", "offered")))
        w.text("evidence", f"{lob} promised {kind.replace('-', ' ')} steps")

    # -- a statistic ----------------------------------------------------------------------------
    kind = rng.choice(("trade-balance", "trade-balance", "bilateral-trade"))
    billions = rng.randrange(1, 4000) / 10
    value = -billions if kind == "trade-balance" and rng.random() < 0.5 else billions
    stat_id = plan.statistic_ids.get(index, f"stat-{a.lower()}-{b.lower()}-{kind}-n{index}")
    w.statement("Statistic", stat_id)
    w.field("statisticKind", kind)
    w.field("reporter", a)
    w.field("partner", b)
    w.field("value", f"{value}e9")
    w.field("unit", "USD")
    w.field("valueQualifier", rng.choice(VALUE_QUALIFIERS))
    w.field("referencePeriod", str(day.year - 1))
    if plan.caps.org_as_publisher_of_statistic:
        bodies = plan.statistics_bodies
        w.field("publishedBy", bodies[rng.randrange(len(bodies))].id)
    w.field("claimStatus", "reported")
    w.text(
        "evidence",
        [f"trade between {la} and {lb} was worth ${billions} billion", f"{la}'s figures show"],
    )

    # -- an event -------------------------------------------------------------------------------
    if rng.random() < 0.8:
        cls = rng.choice(EVENT_CLASSES)
        participants = list(head.parties)
        if plan.caps.person_as_participant and rng.random() < 0.5:
            participants.append(plan.people[rng.randrange(len(plan.people))].id)
        w.statement(cls, f"event-{_slug(cls)}-n{index}")
        w.text("label", f"{la}–{lb} {cls} on the {head.kind.replace('-', ' ')}")
        w.field("participant", participants)
        w.field("onDate", _iso(day - dt.timedelta(days=2), _precision(rng)))
        w.field("about", head.id)
        w.field("claimStatus", "reported")
        w.text("evidence", f"officials of {la} and {lb} met")
    return w.render()


# ---------------------------------------------------------------------------------------------
# The whole corpus
# ---------------------------------------------------------------------------------------------


def source_text(note: str) -> str:
    """The archived article a note quotes: its title, then its quotes as paragraphs.

    The build proves every quote against it (``data/sources/``, the default archive), so
    the benchmark times quote proving on real work, not on ten thousand missing texts.
    """
    import yaml

    data = yaml.safe_load(note)
    paragraphs = [str(data["source"]["title"])]
    for statement in data["statements"]:
        quotes = statement.get("evidence", [])
        for quote in quotes if isinstance(quotes, list) else [quotes]:
            paragraphs.append(f"The report adds that {quote}, according to people present.")
    return "\n\n".join(paragraphs) + "\n"


def generate(
    notes: int, out: Path, *, seed: int = DEFAULT_SEED, source: Path = REPO_ROOT
) -> list[Path]:
    """Write a complete project with ``notes`` generated notes into ``out``; return the notes.

    Raises:
        SystemExit: ``out`` exists, is not empty and was not made by this generator.
    """
    if notes < 1:
        raise SystemExit("--notes must be at least 1")
    out = out.resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SystemExit(f"{out} is not empty and was not made by bench.generate; not touching it")
    out.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        target = out / part
        if target.exists():
            shutil.rmtree(target)
        if (source / part).is_dir():
            shutil.copytree(source / part, target)
    notes_dir = out / "data" / "notes"
    sources_dir = out / "data" / "sources"
    for folder in (notes_dir, sources_dir):
        if folder.exists():
            shutil.rmtree(folder)
    sources_dir.mkdir(parents=True)

    vocab = load_vocabulary(sorted((out / "ontology").glob("*.ttl")), root=out)
    plan = make_plan(notes, seed, load_pools(out / "data" / "reference"), capabilities(vocab))
    unmade = default_ids(plan, query_defaults(out / "queries"))
    written: list[Path] = []
    for index in range(notes):
        path = notes_dir / note_path(plan, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render_note(plan, index)
        path.write_text(text, encoding="utf-8")
        (sources_dir / f"bench-{seed}-{index:05d}.txt").write_text(
            source_text(text), encoding="utf-8"
        )
        written.append(path)
    marker: dict[str, Any] = {"notes": notes, "seed": seed, "source": str(source)}
    if unmade:
        marker["defaults not in the corpus"] = unmade
    (out / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--notes", type=int, required=True, help="how many notes to write")
    parser.add_argument("--out", type=Path, required=True, help="the project folder to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--source", type=Path, default=REPO_ROOT, help="project to copy ontology etc. from"
    )
    args = parser.parse_args(argv)
    written = generate(args.notes, args.out, seed=args.seed, source=args.source)
    print(f"wrote {len(written)} notes to {args.out / 'data' / 'notes'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
