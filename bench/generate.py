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
corpus; a state a default names (``id:state/VNM``) becomes a party of a note dated before the
end of 2025 whose first tariff is in effect on it, whose first commitment binds it and whose
assessment is about it. And it writes every kind of statement a saved query asks for (roles
of people, export restrictions, tariff exemptions; assessments with stance and horizon,
purposes and causes, uses of goods, rankings, per-period quantities, changes and market
reactions, trade disputes and dispute filings in response to a measure, breaches of a
commitment, example goods, assistance), each in a fraction of the notes as in real ones and
in at least one note whatever the draws, so that a small corpus answers every query too. The
later kinds draw from a second generator of their own note, so adding one changes no other
statement.

About 300 quads per note (the statements, their annotations and what the ontology entails):
10,000 notes plus the ontology and reference data (~54 k) make about three million quads.
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
STANCES = ("positive", "negative", "neutral", "mixed")
CHANGE_DIRECTIONS = ("increase", "decrease", "unchanged")
ASSISTANCE_KINDS = ("training", "technology-support", "finance")
PURPOSES = (
    "to reduce trade imbalances",
    "to strengthen supply chains",
    "to diversify critical mineral supplies",
    "to open markets for farm products",
)
HORIZONS = ("in the long term", "within two years", "in the near future")
INDEX_WORDS = ("Composite", "All-Share", "Exporters", "Blue Chip", "Industrials")
REGION_NAMES = ("Asia-Pacific", "Southeast Asia", "Latin America", "Gulf", "Sub-Saharan Africa")

#: The kinds of statement that later terms of the ontology allow (each written by a fraction
#: of the notes, and by at least one note: see :func:`make_plan`), with the classes, properties
#: and controlled values each needs; a kind whose terms the ontology lacks is not written.
OPTIONAL_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "assessment": (
        ("Assessment",),
        ("asserts", "about", "stance", "horizon", "condition", "attributionDescription", "cause"),
        {"Stance": STANCES},
    ),
    "example": ((), ("exampleProduct",), {}),
    "purpose": ((), ("purpose",), {}),
    "product-use": (("ProductUse",), ("usedIn", "concernsProduct"), {}),
    "ranking": (
        (),
        ("rankAmong", "rankedBehind", "rankedAbove"),
        {"Unit": ("rank",), "StatisticKind": ("trade-balance-rank", "export-market-rank")},
    ),
    "per-period": (
        (),
        ("perPeriod",),
        {
            "PeriodUnit": ("year", "month"),
            "Unit": ("tonne", "box"),
            "StatisticKind": ("import-volume",),
        },
    ),
    "change": (
        (),
        ("changeDirection", "changePercent", "baselinePeriod"),
        {"ChangeDirection": CHANGE_DIRECTIONS, "StatisticKind": ("export-growth",)},
    ),
    "market-reaction": (
        ("MarketReaction", "MarketIndex"),
        ("marketIndex", "provider", "changeDirection"),
        {"ChangeDirection": CHANGE_DIRECTIONS},
    ),
    "dispute": (("TradeDispute",), ("disputant",), {}),
    "filing": (("DisputeFiling",), ("filedWith", "against", "inResponseTo"), {}),
    "breach": ((), ("contravenes",), {}),
    "assistance": (
        ("Assistance",),
        ("provider", "assistanceKind", "recipientDescription"),
        {"AssistanceKind": ASSISTANCE_KINDS},
    ),
    "region": (("Region",), ("about",), {}),
    "restated": ((), (), {}),
}

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
    #: international organisations (the WTO, the World Bank): forums and providers of help
    forums: tuple[str, ...] = ()

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
class Shared:
    """A market index or a region: defined by one note, referred to by any."""

    id: str
    label: str
    provider: str | None = None


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
    #: the kinds of :data:`OPTIONAL_KINDS` the ontology has every term for
    kinds: frozenset[str] = frozenset()
    held_by_person: bool = False
    used_by_company: bool = False


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
    #: note index → a state a saved query's default names: that note's agreement has it as a
    #: party, and its first tariff, first commitment and an assessment are about it
    anchors: dict[int, str] = field(default_factory=dict)
    #: note index → the optional kinds it writes whatever its draws (each kind in one note)
    forced: dict[int, set[str]] = field(default_factory=dict)
    indices: list[Shared] = field(default_factory=list)
    regions: list[Shared] = field(default_factory=list)
    index_definer: dict[int, list[Shared]] = field(default_factory=dict)
    region_definer: dict[int, list[Shared]] = field(default_factory=dict)

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
    forums: tuple[str, ...] = ()
    if (reference_dir / "parties.csv").is_file():
        with (reference_dir / "parties.csv").open(encoding="utf-8", newline="") as handle:
            forums = tuple(
                row["id"].strip()
                for row in csv.DictReader(handle)
                if row["kind"].strip() == "InternationalOrganization"
            )
    return ReferencePools(states, hs_codes, groups, forums)


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
        kinds=frozenset(k for k, terms in OPTIONAL_KINDS.items() if _has_terms(vocab, *terms)),
        held_by_person=accepts("heldBy", "Person"),
        used_by_company=accepts("usedBy", "Company"),
    )


def _has_terms(
    vocab: Vocabulary,
    classes: Sequence[str],
    props: Sequence[str],
    values: dict[str, tuple[str, ...]],
) -> bool:
    """Whether the ontology has every class, property (unambiguously) and value named."""
    return (
        all(vocab.find_class(c) for c in classes)
        and all(len(vocab.find_property(p)) == 1 for p in props)
        and all(
            vocab.find_value(TKG + value_set, notation) is not None
            for value_set, notations in values.items()
            for notation in notations
        )
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
    n_shared = max(1, notes // 200)
    companies = plan.publishers
    for j in range(n_shared if "market-reaction" in caps.kinds else 0):
        name = f"{rng.choice(ORG_WORDS)} {rng.choice(INDEX_WORDS)}"
        provider = companies[rng.randrange(len(companies))].id
        index = Shared(f"{_slug(name)}-index-{j}", f"{name} index", provider)
        plan.indices.append(index)
        plan.index_definer.setdefault((2 * j + 1) * notes // (2 * n_shared), []).append(index)
    for j in range(n_shared if "region" in caps.kinds else 0):
        name = REGION_NAMES[j % len(REGION_NAMES)]
        region = Shared(f"{_slug(name)}-{j}", name)
        plan.regions.append(region)
        plan.region_definer.setdefault((2 * j + 1) * notes // (2 * n_shared), []).append(region)
    # a restated figure conflicts with another note's only if two notes give one
    kinds = [k for k in (*OPTIONAL_KINDS, "restated") if k in caps.kinds]
    for n, kind in enumerate(kinds):
        plan.forced.setdefault((2 * n + 1) * notes // (2 * len(kinds)), set()).add(kind)
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
    states: list[str] = []
    codes = {s.code for s in plan.pools.states}
    for iri in defaults:
        kind, _, tail = iri[len(ID) :].partition("/")
        if kind == "agreement" or kind == "statistic":
            wanted.append((kind, tail))
        elif kind == "source" and (key := source_key_for(tail)) is not None:
            wanted.append((kind, key))
        elif kind == "state" and tail in codes:
            states.append(tail)
        elif kind not in ("party", "organization", "hs2022", "product-group"):
            unmade.append(iri)  # reference data is there anyway; anything else is not made
    # states a default names get notes in the first four fifths of the corpus (dated before
    # the end of 2025, the dates the saved queries ask about)
    early = max(1, plan.notes * 4 // 5)
    for n, code in enumerate(states):
        index = (2 * n + 1) * early // (2 * len(states))
        while index in plan.anchors and index + 1 < plan.notes:
            index += 1
        plan.anchors.setdefault(index, code)
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
    anchor = plan.anchors.get(index)
    if anchor is not None and anchor not in parties:
        parties[1] = anchor
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
    keeps the output exactly as a person would write it), and the source text it quotes."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        #: the source's title, then every evidence quote, in the order written
        self.paragraphs: list[str] = []

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
        values = [value] if isinstance(value, str) else list(value)
        if key == "title" and indent == 2:
            self.paragraphs.append(values[0])
        elif key == "evidence" and indent == 4:
            self.paragraphs.extend(map(_paragraph, values))
        if isinstance(value, str):
            self.field(key, quote(value), indent)
        else:
            self.field(key, [quote(v) for v in value], indent)

    def render(self) -> str:
        return "\n".join(self.lines) + "\n"

    def source(self) -> str:
        """What :func:`source_text` makes of the rendered note, without parsing it again
        (parsing the YAML took nine tenths of the generator's time)."""
        return "\n\n".join(self.paragraphs) + "\n"


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
    """The YAML text of note ``index`` (see :func:`write_note`)."""
    return write_note(plan, index).render()


def write_note(plan: Plan, index: int) -> NoteWriter:
    """Note ``index``: source block, definitions, agreement, steps, measures, commitments, a
    statistic, usually an event, and some of the optional kinds."""
    rng = random.Random(f"tradekg-bench:{plan.seed}:{index}")
    pools = plan.pools
    day = note_date(plan, index)
    head = agreement_head(plan, index)
    a, b = head.parties[0], head.parties[1]
    la, lb = pools.state(a).label, pools.state(b).label
    publisher = _publisher(plan, index)
    creator = plan.people[rng.randrange(len(plan.people))]
    # the later kinds of statement draw from a generator of their own, so that adding one
    # leaves the draws (and the text) of the others as they were
    extra = Extras.draw(plan, index)
    anchor = plan.anchors.get(index)
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
    for shared in plan.index_definer.get(index, []):
        w.statement("MarketIndex", shared.id)
        w.text("label", shared.label)
        if shared.provider is not None:
            w.field("provider", shared.provider)
        w.field("claimStatus", "reported")
        w.text("evidence", f"the {shared.label}")
    for shared in plan.region_definer.get(index, []):
        w.statement("Region", shared.id)
        w.text("label", shared.label)
        w.field("claimStatus", "reported")
        w.text("evidence", f"the {shared.label} region")

    # -- the agreement and its lifecycle -----------------------------------------------------
    w.statement("Agreement", head.id)
    w.text("label", f"{la}–{lb} {head.kind.replace('-', ' ')} ({head.year})")
    w.field("agreementKind", head.kind)
    w.field("party", list(head.parties))
    w.field("bindingness", rng.choice(BINDINGNESS))
    w.field("concernsProduct", _product(plan, rng))
    w.field("claimStatus", rng.choice(CLAIM_STATUSES))
    w.text("reportedAs", rng.choice(("deal", "agreement", "accord", "pact")))
    quotes = [f"{la} and {lb} reached a {head.kind.replace('-', ' ')}", f"the deal with {lb}"]
    if extra.purpose is not None:
        w.text("purpose", extra.purpose)
        quotes.append(f"the deal is meant {extra.purpose}")
    w.text("evidence", quotes)

    first_stage = rng.randrange(0, 3)
    for step in range(rng.choice((1, 2))):
        stage = STAGES[min(first_stage + step, len(STAGES) - 1)]
        of = head
        if step == 0 and index > 0 and rng.random() < 0.3 and index not in plan.agreement_ids:
            of = agreement_head(plan, rng.randrange(index))  # another source's agreement
        w.statement("LifecycleStep", f"{head.id}-step-{step}")
        w.field("ofAgreement", of.id)
        w.field("stage", stage)
        w.field("onDate", _iso(day - dt.timedelta(days=10 * (3 - step)), _precision(rng)))
        w.field("claimStatus", rng.choice(CLAIM_STATUSES))
        w.text("evidence", f"the agreement was {stage.replace('-', ' ')}")

    # -- tariff measures ------------------------------------------------------------------------
    previous: str | None = None
    first: tuple[str, str, str] = ("", a, b)  # the first measure: id, imposer, target
    for k in range(rng.choice((1, 1, 2))):
        imposer, target = (a, b) if rng.random() < 0.6 else (b, a)
        rate = rng.choice(RATES)
        status = rng.choice(MEASURE_STATUSES)
        if k == 0 and anchor is not None:  # a tariff in effect on the state a default names
            target, status = anchor, "in-effect"
            imposer = next(p for p in head.parties if p != anchor)
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
        quotes = [f"{limp} set a {rate}% tariff on imports from {ltar}"]
        if k == 0 and extra.breach:
            w.field("contravenes", f"{head.id}-c0")
            quotes.append(
                f"contrary to the pledges {limp} made in the {head.kind.replace('-', ' ')}"
            )
        w.text("evidence", quotes)
        if k == 0:
            first = (ident, imposer, target)
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
        if k == 0 and anchor is not None:  # the state a default names is bound by one
            obligor = anchor
            beneficiary = next(p for p in head.parties if p != anchor)
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
    if rng.random() < 0.8 or anchor is not None:
        cls = rng.choice(EVENT_CLASSES)
        participants = list(head.parties)
        if plan.caps.person_as_participant and rng.random() < 0.5:
            participants.append(plan.people[rng.randrange(len(plan.people))].id)
        w.statement(cls, f"event-{_slug(cls)}-n{index}")
        w.text("label", f"{la}–{lb} {cls} on the {head.kind.replace('-', ' ')}")
        w.field("participant", participants)
        w.field("onDate", _iso(day - dt.timedelta(days=2), _precision(rng)))
        w.field("about", head.id)
        quotes = [f"officials of {la} and {lb} met"]
        if extra.event_responds:
            w.field("inResponseTo", first[0])
            w.text("purpose", "to avert the tariffs")
            quotes.append(f"to avert the tariffs of {pools.state(first[1]).label}")
        w.field("claimStatus", "reported")
        w.text("evidence", quotes)
    write_extras(w, plan, index, extra, head, first)
    return w


# ---------------------------------------------------------------------------------------------
# The later kinds of statement: assessments, uses of goods, rankings, changes, disputes, …
# ---------------------------------------------------------------------------------------------

#: The fraction of notes that write each optional kind (an assessment in about a third of the
#: notes, as the seed notes have; the rarer instruments in a few in a hundred).
EXTRA_RATES = {
    "assessment": 0.25,
    "example": 0.08,
    "purpose": 0.15,
    "product-use": 0.06,
    "ranking": 0.08,
    "per-period": 0.06,
    "change": 0.1,
    "market-reaction": 0.04,
    "dispute": 0.04,
    "filing": 0.05,
    "breach": 0.04,
    "assistance": 0.03,
    "region": 0.08,
    "restated": 0.03,
}


@dataclass(frozen=True, slots=True)
class Extras:
    """Which optional kinds a note writes, drawn before any is, from the note's own second
    generator (the other statements' draws stay as they were)."""

    rng: random.Random
    kinds: frozenset[str]
    purpose: str | None
    breach: bool
    event_responds: bool

    @classmethod
    def draw(cls, plan: Plan, index: int) -> Extras:
        rng = random.Random(f"tradekg-bench:{plan.seed}:{index}:extra")
        forced = plan.forced.get(index, set())
        chosen = {
            kind
            for kind, rate in EXTRA_RATES.items()
            if (rng.random() < rate or kind in forced) and kind in plan.caps.kinds
        }
        if index in plan.anchors or chosen & {"example", "region"}:
            chosen.add("assessment")  # examples and regions go (also) into an assessment
        chosen &= plan.caps.kinds
        if not plan.indices:
            chosen.discard("market-reaction")
        if not plan.pools.forums:
            chosen.discard("filing")
        purpose = rng.choice(PURPOSES) if "purpose" in chosen else None
        responds = rng.random() < 0.1 and "filing" in plan.caps.kinds
        return cls(rng, frozenset(chosen), purpose, "breach" in chosen, responds)


def write_extras(
    w: NoteWriter,
    plan: Plan,
    index: int,
    extra: Extras,
    head: AgreementHead,
    first: tuple[str, str, str],
) -> None:
    """The optional statements of note ``index``; ``first`` is its first tariff measure (id,
    imposer, target), which responses, filings and causes refer to."""
    rng, kinds, pools = extra.rng, extra.kinds, plan.pools
    a, b = head.parties[0], head.parties[1]
    la, lb = pools.state(a).label, pools.state(b).label
    day = note_date(plan, index)
    measure, imposer, target = first
    limp, ltar = pools.state(imposer).label, pools.state(target).label
    deal = head.kind.replace("-", " ")
    groups = pools.product_groups

    if "assessment" in kinds:
        subject = plan.anchors.get(index) or rng.choice(head.parties)
        about = [subject, head.id]
        if "region" in kinds and plan.regions:
            about.append(plan.regions[rng.randrange(len(plan.regions))].id)
        stance = rng.choice(STANCES)
        verb = {
            "positive": "stands to gain from",
            "negative": "is under pressure from",
            "neutral": "is weighing",
            "mixed": "gains and loses from",
        }[stance]
        ls = pools.state(subject).label
        w.statement("Assessment", f"assessment-{subject.lower()}-n{index}")
        w.text("asserts", f"{ls} {verb} the {deal}.")
        quotes = [f"{ls} {verb} the {deal}"]
        if plan.caps.held_by_person and rng.random() < 0.6:
            person = plan.people[rng.randrange(len(plan.people))]
            w.field("heldBy", person.id)
            quotes.append(f"according to {person.label}")
        else:
            w.text("attributionDescription", "analysts")
            quotes.append("analysts said")
        w.field("about", about)
        w.field("stance", stance)
        if rng.random() < 0.3:
            horizon = rng.choice(HORIZONS)
            w.text("horizon", horizon)
            quotes.append(f"{horizon}, analysts expect")
        if rng.random() < 0.2:
            w.text("condition", "if the deal is completed")
            quotes.append("if the deal is completed")
        if rng.random() < 0.2:
            w.field("cause", measure)
            quotes.append(f"after {limp} set new tariffs")
        if "example" in kinds and len(groups) >= 2:
            examples = rng.sample(groups, 2)
            w.field("exampleProduct", examples)
            quotes.append(f"industries such as {_words(examples[0])} and {_words(examples[1])}")
        w.field("claimStatus", rng.choice(CLAIM_STATUSES))
        w.text("evidence", quotes)

    if "product-use" in kinds and len(groups) >= 3:
        goods, *used = rng.sample(groups, 3)
        w.statement("ProductUse", f"use-{goods}-n{index}")
        w.field("concernsProduct", goods)
        w.field("usedIn", used)
        quote = f"{_words(goods)} go into {_words(used[0])} and {_words(used[1])}"
        if plan.caps.used_by_company and rng.random() < 0.4:
            user = plan.publishers[rng.randrange(len(plan.publishers))]
            w.field("usedBy", user.id)
            quote = f"{user.label} uses {_words(goods)} in {_words(used[0])}"
        w.field("claimStatus", "reported")
        w.text("evidence", quote)

    if "ranking" in kinds:
        kind = rng.choice(("trade-balance-rank", "export-market-rank"))
        rank = rng.randrange(1, 11)
        others = [s for s in HUB_STATES if s not in head.parties]
        ahead = rng.sample(others, min(rank - 1, 2))
        among = f"{la}'s trade deficits" if kind == "trade-balance-rank" else f"{la}'s markets"
        w.statement("Statistic", f"rank-{a.lower()}-{b.lower()}-{kind}-n{index}")
        w.field("statisticKind", kind)
        w.field("reporter", a)
        w.field("partner", b)
        w.field("value", str(rank))
        w.field("unit", "rank")
        w.text("rankAmong", among)
        quotes = [f"{lb} is number {rank} among {among}"]
        if ahead:
            w.field("rankedBehind", ahead)
            quotes.append("behind " + " and ".join(pools.state(s).label for s in ahead))
        if rng.random() < 0.5:
            above = rng.choice([s for s in others if s not in ahead])
            w.field("rankedAbove", above)
            quotes.append(f"ahead of {pools.state(above).label}")
        w.field("referencePeriod", str(day.year - 1))
        if "example" in kinds and len(groups) >= 2:
            examples = rng.sample(groups, 2)
            w.field("exampleProduct", examples)
            quotes.append(f"buying items such as {_words(examples[0])} and {_words(examples[1])}")
        w.field("claimStatus", "reported")
        w.text("evidence", quotes)

    if "per-period" in kinds:
        unit = rng.choice(("tonne", "box"))
        per = rng.choice(("year", "year", "month"))
        amount = rng.randrange(1, 500) * 1000
        goods = _product(plan, rng)
        w.statement("Statistic", f"volume-{b.lower()}-{a.lower()}-n{index}")
        w.field("statisticKind", "import-volume")
        w.field("reporter", b)
        w.field("partner", a)
        w.field("value", str(amount))
        w.field("unit", unit)
        w.field("valueQualifier", "at-least")
        w.field("perPeriod", per)
        w.field("concernsProduct", goods)
        w.field("claimStatus", "reported")
        w.text(
            "evidence",
            f"{lb} buys more than {amount:,} {unit}es of goods from {la} a {per}"
            if unit == "box"
            else f"{lb} buys more than {amount:,} tonnes from {la} a {per}",
        )

    if "change" in kinds:
        direction = rng.choices(CHANGE_DIRECTIONS, weights=(5, 4, 1))[0]
        if "change" in plan.forced.get(index, set()):
            direction = "increase"  # the direction the saved query defaults to
        pct = 0.0 if direction == "unchanged" else rng.randrange(1, 300) / 10
        w.statement("Statistic", f"growth-{a.lower()}-n{index}")
        w.field("statisticKind", "export-growth")
        w.field("reporter", a)
        w.field("value", str(pct))
        w.field("unit", "percent")
        w.field("changeDirection", direction)
        if direction != "unchanged":
            w.field("changePercent", str(pct))
        w.field("referencePeriod", str(day.year))
        said = {"increase": f"rose {pct}%", "decrease": f"fell {pct}%", "unchanged": "held steady"}
        quote = f"exports of {la} {said[direction]}"
        if rng.random() < 0.5:
            w.field("baselinePeriod", str(day.year - 1))
            quote += f" on {day.year - 1}"
        w.field("claimStatus", "reported")
        w.text("evidence", quote)

    if "market-reaction" in kinds:
        market = plan.indices[rng.randrange(len(plan.indices))]
        direction = rng.choices(CHANGE_DIRECTIONS, weights=(5, 4, 1))[0]
        moved = {"increase": "rose", "decrease": "fell", "unchanged": "was flat"}[direction]
        w.statement("MarketReaction", f"reaction-{market.id}-n{index}")
        w.text("label", f"{market.label} after the {la}–{lb} {deal}, {day.isoformat()}")
        w.field("onDate", _iso(day - dt.timedelta(days=1), "day"))
        w.field("marketIndex", market.id)
        w.field("changeDirection", direction)
        w.field("about", head.id)
        w.field("claimStatus", "reported")
        w.text("evidence", f"the {market.label} {moved}")

    if "dispute" in kinds:
        w.statement("TradeDispute", f"dispute-{a.lower()}-{b.lower()}-n{index}")
        w.text("label", f"{la}–{lb} trade dispute of {day.isoformat()}")
        w.field("disputant", [a, b])
        w.field("concernsProduct", _product(plan, rng))
        w.field("claimStatus", rng.choice(CLAIM_STATUSES))
        w.text("evidence", f"the trade dispute between {la} and {lb}")

    if "filing" in kinds:
        forum = "WTO" if "WTO" in pools.forums else pools.forums[0]
        w.statement("DisputeFiling", f"filing-{target.lower()}-{imposer.lower()}-n{index}")
        w.text("label", f"{ltar}'s complaint against {limp}'s tariffs, {day.isoformat()}")
        w.field("participant", target)
        w.field("filedWith", forum)
        w.field("against", [imposer, measure])
        w.field("inResponseTo", measure)
        w.field("onDate", _iso(day, _precision(rng)))
        w.field("claimStatus", "reported")
        w.text("reportedAs", "filed a complaint")
        w.text("evidence", f"{ltar} filed a complaint against the tariffs of {limp}")

    if "restated" in kinds:  # a figure without a period: it conflicts with other sources'
        codes = {s.code for s in pools.states}
        hubs = [c for c in HUB_STATES if c in codes][:2] or [s.code for s in pools.states[:2]]
        billions = rng.randrange(1, 8000) / 10
        lr, lp = pools.state(hubs[0]).label, pools.state(hubs[-1]).label
        w.statement("Statistic", f"stat-{hubs[0].lower()}-{hubs[-1].lower()}-restated-n{index}")
        w.field("statisticKind", "bilateral-trade")
        w.field("reporter", hubs[0])
        w.field("partner", hubs[-1])
        w.field("value", f"{billions}e9")
        w.field("unit", "USD")
        w.field("valueQualifier", "about")
        w.field("claimStatus", "reported")
        w.text("evidence", f"trade between {lr} and {lp} is now worth about ${billions} billion")

    if "assistance" in kinds:
        providers = [f for f in pools.forums if f != "WTO"] or [
            o.id for o in plan.statistics_bodies
        ]
        provider = providers[rng.randrange(len(providers))]
        help_kinds = rng.sample(ASSISTANCE_KINDS, rng.choice((1, 2)))
        w.statement("Assistance", f"assistance-{_slug(provider)}-n{index}")
        w.text("label", f"help for smaller exporters in {lb}, {day.isoformat()}")
        w.field("provider", provider)
        w.field("assistanceKind", help_kinds)
        w.text("recipientDescription", "smaller exporters")
        w.field("claimStatus", "reported")
        w.text("reportedAs", "is helping")
        helped = " and ".join(k.replace("-", " ") for k in help_kinds)
        w.text("evidence", f"is helping smaller exporters in {lb} with {helped}")


def _words(product_id: str) -> str:
    return product_id.replace("-", " ")


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
            paragraphs.append(_paragraph(quote))
    return "\n\n".join(paragraphs) + "\n"


def _paragraph(quote: str) -> str:
    return f"The report adds that {quote}, according to people present."


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
        note = write_note(plan, index)
        path.write_text(note.render(), encoding="utf-8")
        (sources_dir / f"bench-{seed}-{index:05d}.txt").write_text(note.source(), encoding="utf-8")
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
