"""Reference data → RDF: ISO 3166 countries, parties, HS 2022 and the coarse product groups.

Notes never describe Viet Nam, the EU or HS heading 2805 themselves: they refer to them by
id (``VNM``, ``EU``, ``hs:2805``, ``rare-earths``) and the mapping stage resolves those ids
through :attr:`ReferenceData.ids`. The graphs built here are the named graphs
``…/graph/reference/{states,parties,hs2022,product-groups}`` of the dataset.

The input is the CSV files in ``data/reference/`` (see its README). They are read with the
:mod:`csv` module and every cell is taken as text: no type guessing, so Namibia's alpha-2
code ``NA`` stays ``NA`` and ``01`` stays ``01``. Cells that only hold white space (the
country file uses a no-break space for "empty") count as empty.

Everything wrong in the input is collected as :class:`~loader.problems.Problem` records with
file and line and raised at once as :class:`~loader.problems.InputError`, so that someone
editing ``parties.csv`` sees every bad member code in one run. Output is deterministic: the
triples come out in file order, with no blank nodes, so the built dataset is byte-identical
for identical input.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

from pyoxigraph import Literal, NamedNode, Quad, Triple

from loader.namespaces import (
    DCTERMS,
    ID,
    OWL,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS,
    reference_graph,
    thing,
    tkg,
)
from loader.problems import Problem, ProblemCollector, relative

_Kind = TypeVar("_Kind")

# --- file names and graph names ------------------------------------------------------------

COUNTRIES_FILE: Final = "country-codes.csv"
HS_FILE: Final = "harmonized-system.csv"
HS_SECTIONS_FILE: Final = "hs-sections.csv"
PARTIES_FILE: Final = "parties.csv"
PRODUCT_GROUPS_FILE: Final = "product-groups.csv"

STATES: Final = "states"
PARTIES: Final = "parties"
HS2022: Final = "hs2022"
PRODUCT_GROUPS: Final = "product-groups"
#: The reference graphs, in the order they are built and written.
GRAPH_NAMES: Final = (STATES, PARTIES, HS2022, PRODUCT_GROUPS)

#: Prefix of the note ids of HS concepts: ``hs:2805``, ``hs:section-XV``.
HS_ID_PREFIX: Final = "hs:"

HS_SCHEME: Final = NamedNode(ID + "hs2022")
PRODUCT_GROUP_SCHEME: Final = NamedNode(ID + "product-group")
HS_SOURCE: Final = NamedNode("https://github.com/datasets/harmonized-system")
PDDL: Final = NamedNode("https://opendatacommons.org/licenses/pddl/1-0/")
CC0: Final = NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")
WIKIDATA_ENTITY: Final = "http://www.wikidata.org/entity/"

# --- terms -----------------------------------------------------------------------------------

_SKOS_CONCEPT = NamedNode(SKOS + "Concept")
_SKOS_CONCEPT_SCHEME = NamedNode(SKOS + "ConceptScheme")
_SKOS_PREF_LABEL = NamedNode(SKOS + "prefLabel")
_SKOS_ALT_LABEL = NamedNode(SKOS + "altLabel")
_SKOS_DEFINITION = NamedNode(SKOS + "definition")
_SKOS_NOTATION = NamedNode(SKOS + "notation")
_SKOS_IN_SCHEME = NamedNode(SKOS + "inScheme")
_SKOS_TOP_CONCEPT_OF = NamedNode(SKOS + "topConceptOf")
_SKOS_BROADER = NamedNode(SKOS + "broader")
_SKOS_EXACT_MATCH = NamedNode(SKOS + "exactMatch")
_SKOS_CLOSE_MATCH = NamedNode(SKOS + "closeMatch")
_SKOS_NARROW_MATCH = NamedNode(SKOS + "narrowMatch")
_DCTERMS_SOURCE = NamedNode(DCTERMS + "source")
_DCTERMS_LICENSE = NamedNode(DCTERMS + "license")
_OWL_VERSION_INFO = NamedNode(OWL + "versionInfo")

COUNTRY: Final = tkg("Country")
SOVEREIGN_STATE: Final = tkg("SovereignState")
DEPENDENT_TERRITORY: Final = tkg("DependentTerritory")
SUPRANATIONAL_UNION: Final = tkg("SupranationalUnion")
GROUPING: Final = tkg("Grouping")
INTERNATIONAL_ORGANIZATION: Final = tkg("InternationalOrganization")
HS_SECTION: Final = tkg("HSSection")
HS_CHAPTER: Final = tkg("HSChapter")
HS_HEADING: Final = tkg("HSHeading")
HS_SUBHEADING: Final = tkg("HSSubheading")
PRODUCT_GROUP: Final = tkg("ProductGroup")
SECTOR: Final = tkg("Sector")

_ISO_ALPHA2 = tkg("iso3166Alpha2")
_ISO_ALPHA3 = tkg("iso3166Alpha3")
_ISO_NUMERIC = tkg("iso3166Numeric")
_M49_CODE = tkg("m49Code")
_M49_REGION = tkg("m49Region")
_M49_SUB_REGION = tkg("m49SubRegion")
_CURRENCY_CODE = tkg("currencyCode")
_HAS_MEMBER = tkg("hasMember")

#: Party kinds of ``parties.csv`` → (class, kind segment of the IRI).
_PARTY_KINDS: Final[dict[str, tuple[NamedNode, str]]] = {
    "SupranationalUnion": (SUPRANATIONAL_UNION, "party"),
    "Grouping": (GROUPING, "party"),
    "InternationalOrganization": (INTERNATIONAL_ORGANIZATION, "organization"),
}
_GROUP_KINDS: Final[dict[str, NamedNode]] = {"ProductGroup": PRODUCT_GROUP, "Sector": SECTOR}
#: HS level (digits) → class.
_HS_LEVELS: Final[dict[str, NamedNode]] = {"2": HS_CHAPTER, "4": HS_HEADING, "6": HS_SUBHEADING}
_HS_ROOT = "TOTAL"

# --- columns each file must have -------------------------------------------------------------

_C_ALPHA2 = "ISO3166-1-Alpha-2"
_C_ALPHA3 = "ISO3166-1-Alpha-3"
_C_NUMERIC = "ISO3166-1-numeric"
_C_M49 = "M49"
_C_INDEPENDENT = "is_independent"
_C_CLDR = "CLDR display name"
_C_OFFICIAL = "official_name_en"
_C_UNTERM_SHORT = "UNTERM English Short"
_C_UNTERM_FORMAL = "UNTERM English Formal"
_C_REGION = "Region Name"
_C_SUB_REGION = "Sub-region Name"
_C_CURRENCY = "ISO4217-currency_alphabetic_code"
_C_WIKIDATA = "wikidata_id"

_COUNTRY_COLUMNS: Final = (
    _C_ALPHA2,
    _C_ALPHA3,
    _C_NUMERIC,
    _C_M49,
    _C_INDEPENDENT,
    _C_CLDR,
    _C_OFFICIAL,
    _C_UNTERM_SHORT,
    _C_UNTERM_FORMAL,
    _C_REGION,
    _C_SUB_REGION,
    _C_CURRENCY,
    _C_WIKIDATA,
)
_SECTION_COLUMNS: Final = ("section", "name")
_HS_COLUMNS: Final = ("section", "hscode", "description", "parent", "level")
_PARTY_COLUMNS: Final = ("id", "kind", "label", "alt_labels", "wikidata", "members", "definition")
_GROUP_COLUMNS: Final = (
    "id",
    "kind",
    "label",
    "alt_labels",
    "definition",
    "narrow_match",
    "close_match",
    "broader",
)

_ALPHA2 = re.compile(r"[A-Z]{2}")
_ALPHA3 = re.compile(r"[A-Z]{3}")
_DIGITS_1_3 = re.compile(r"[0-9]{1,3}")
_ROMAN = re.compile(r"[IVXL]+")
_HS_CODE = re.compile(r"[0-9]{2}(?:[0-9]{2}){0,2}")
_PARTY_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_GROUP_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_QID = re.compile(r"Q[1-9][0-9]*")
_WIKIDATA_URL = re.compile(r"https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)")
#: UNTERM marks: a trailing "(the)" on short names, a footnote star on disputed ones.
_UNTERM_THE = re.compile(r"\s*\(the\)")
_UNTERM_STAR = re.compile(r"\s*\*$")

_LIST_SEPARATOR = "|"


# --- public API ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferenceEntity:
    """What the mapping stage needs to know about a reference id: its IRI, classes and label."""

    iri: NamedNode
    classes: tuple[NamedNode, ...]
    label: str


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """The reference graphs (by name, see :data:`GRAPH_NAMES`) and every id notes may use."""

    graphs: dict[str, list[Triple]]
    ids: dict[str, ReferenceEntity]

    def graph_iri(self, name: str) -> NamedNode:
        """The IRI of the named graph that holds reference data set ``name``."""
        return reference_graph(name)

    def quads(self) -> Iterator[Quad]:
        """All reference triples as quads in their named graphs, in a stable order."""
        for name, triples in self.graphs.items():
            graph = reference_graph(name)
            for triple in triples:
                yield Quad(triple.subject, triple.predicate, triple.object, graph)


def load_reference(reference_dir: Path) -> ReferenceData:
    """Read ``data/reference/*.csv`` and build the four reference graphs and the id table.

    Raises :class:`InputError` with every problem found (missing files or columns, bad or
    duplicate ids, unknown member or HS codes) when the input cannot be used.
    """
    builder = _Builder(reference_dir)
    builder.states()
    builder.hs()
    builder.parties()
    builder.product_groups()
    builder.problems.raise_if_errors()
    return ReferenceData(graphs=builder.graphs, ids=builder.ids)


# --- reading CSV -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row: its cells by column (stripped) and the line it starts on."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


def _clean(value: str) -> str:
    """Strip white space, including the no-break spaces the country file uses for "empty"."""
    return value.strip()


def _split(value: str, separator: str | None = None) -> list[str]:
    """Split a list cell (space- or ``|``-separated) into its non-empty items."""
    return [item.strip() for item in value.split(separator) if item.strip()]


def _wikidata(qid: str) -> NamedNode:
    return NamedNode(WIKIDATA_ENTITY + qid)


def _en(text: str) -> Literal:
    return Literal(text, language="en")


def _string(text: str) -> Literal:
    return Literal(text)


# --- the builder -----------------------------------------------------------------------------


@dataclass
class _Builder:
    """Builds the graphs one file at a time, collecting problems instead of stopping."""

    reference_dir: Path
    problems: ProblemCollector = field(default_factory=ProblemCollector)
    graphs: dict[str, list[Triple]] = field(
        default_factory=lambda: {name: [] for name in GRAPH_NAMES}
    )
    ids: dict[str, ReferenceEntity] = field(default_factory=dict)
    #: Where each id was defined, to point at both places when one is defined twice.
    _defined_at: dict[str, str] = field(default_factory=dict)
    #: HS codes (``2805``) and section numbers (``XV``) that exist, with their IRIs.
    _hs_codes: dict[str, NamedNode] = field(default_factory=dict)
    _sections: dict[str, NamedNode] = field(default_factory=dict)

    # -- helpers ------------------------------------------------------------------------------

    def _display(self, name: str) -> str:
        return relative(self.reference_dir / name, Path.cwd())

    def _problem(
        self,
        code: str,
        message: str,
        file: str,
        line: int | None,
        hint: str | None = None,
        value: str | None = None,
    ) -> None:
        self.problems.add(
            Problem(code=code, message=message, file=file, line=line, hint=hint, value=value)
        )

    def _read(self, name: str, columns: tuple[str, ...]) -> list[_Row] | None:
        """The rows of one CSV file, or ``None`` (with problems) when it cannot be used.

        ``utf-8-sig`` drops the byte-order mark ``hs-sections.csv`` starts with, so that its
        first column is ``section`` and not ``\\ufeffsection``.
        """
        path = self.reference_dir / name
        shown = self._display(name)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, None)
                if header is None:
                    self._problem("empty-file", f"{name} is empty", shown, 1)
                    return None
                header = [_clean(cell) for cell in header]
                missing = [column for column in columns if column not in header]
                if missing:
                    self._problem(
                        "missing-column",
                        f"{name} has no column {', '.join(repr(c) for c in missing)}",
                        shown,
                        1,
                        hint=f"the header must name the columns {', '.join(columns)}",
                    )
                    return None
                index = {column: header.index(column) for column in columns}
                rows: list[_Row] = []
                start = reader.line_num + 1
                for record in reader:
                    line, start = start, reader.line_num + 1
                    if not any(cell.strip() for cell in record):
                        continue
                    cells = {
                        column: _clean(record[i]) if i < len(record) else ""
                        for column, i in index.items()
                    }
                    rows.append(_Row(line, cells))
                return rows
        except FileNotFoundError:
            self._problem(
                "missing-reference-file",
                f"reference file {name} is missing",
                shown,
                None,
                hint=f"restore data/reference/{name} (see data/reference/README.md)",
            )
        except (UnicodeDecodeError, csv.Error) as error:
            self._problem("unreadable-file", f"{name} cannot be read: {error}", shown, None)
        return None

    def _define(self, note_id: str, entity: ReferenceEntity, file: str, line: int) -> bool:
        """Register a note id; a second definition anywhere in the reference data is a problem."""
        if note_id in self.ids:
            self._problem(
                "duplicate-id",
                f"id '{note_id}' is defined twice (first at {self._defined_at[note_id]})",
                file,
                line,
                hint="ids are global: every country, party, HS code and group needs its own",
                value=note_id,
            )
            return False
        self.ids[note_id] = entity
        self._defined_at[note_id] = f"{file}:{line}"
        return True

    def _required(self, row: _Row, column: str, file: str) -> str:
        value = row[column]
        if not value:
            self._problem("missing-value", f"'{column}' is empty", file, row.line)
        return value

    # -- countries ----------------------------------------------------------------------------

    def states(self) -> None:
        """ISO 3166-1 countries and territories, identified by their alpha-3 code."""
        rows = self._read(COUNTRIES_FILE, _COUNTRY_COLUMNS)
        if rows is None:
            return
        file = self._display(COUNTRIES_FILE)
        out = self.graphs[STATES]
        add = out.append
        for row in rows:
            bad = False
            alpha3 = self._required(row, _C_ALPHA3, file)
            alpha2 = self._required(row, _C_ALPHA2, file)
            if alpha3 and not _ALPHA3.fullmatch(alpha3):
                self._problem(
                    "bad-value",
                    f"'{alpha3}' is not an ISO alpha-3 code",
                    file,
                    row.line,
                    value=alpha3,
                )
                bad = True
            if alpha2 and not _ALPHA2.fullmatch(alpha2):
                self._problem(
                    "bad-value",
                    f"'{alpha2}' is not an ISO alpha-2 code",
                    file,
                    row.line,
                    value=alpha2,
                )
                bad = True
            numeric = self._three_digits(row, _C_NUMERIC, file)
            m49 = self._three_digits(row, _C_M49, file)
            independent = self._required(row, _C_INDEPENDENT, file)
            label = row[_C_OFFICIAL] or _unterm(row[_C_UNTERM_SHORT]) or row[_C_CLDR]
            if not label:
                self._problem(
                    "missing-value",
                    "the country has no English name",
                    file,
                    row.line,
                    hint=f"fill in '{_C_OFFICIAL}'",
                )
            currencies = _split(row[_C_CURRENCY].replace(",", " "))
            for code in currencies:
                if not _ALPHA3.fullmatch(code):
                    self._problem(
                        "bad-value",
                        f"'{code}' is not an ISO 4217 currency code",
                        file,
                        row.line,
                        value=code,
                    )
                    bad = True
            wikidata = self._wikidata_url(row[_C_WIKIDATA], file, row.line)
            if bad or not (alpha3 and alpha2 and numeric and m49 and independent and label):
                continue

            subject = thing("state", alpha3)
            classes = (COUNTRY, *_status_classes(independent))
            if not self._define(alpha3, ReferenceEntity(subject, classes, label), file, row.line):
                continue
            for cls in classes:
                add(Triple(subject, RDF_TYPE, cls))
            add(Triple(subject, RDFS_LABEL, _en(label)))
            for alt in _alt_labels(label, row):
                add(Triple(subject, _SKOS_ALT_LABEL, _en(alt)))
            add(Triple(subject, _ISO_ALPHA2, _string(alpha2)))
            add(Triple(subject, _ISO_ALPHA3, _string(alpha3)))
            add(Triple(subject, _ISO_NUMERIC, _string(numeric)))
            add(Triple(subject, _M49_CODE, _string(m49)))
            if row[_C_REGION]:
                add(Triple(subject, _M49_REGION, _en(row[_C_REGION])))
            if row[_C_SUB_REGION]:
                add(Triple(subject, _M49_SUB_REGION, _en(row[_C_SUB_REGION])))
            for code in currencies:
                add(Triple(subject, _CURRENCY_CODE, _string(code)))
            if wikidata is not None:
                add(Triple(subject, _SKOS_EXACT_MATCH, wikidata))

    def _id_and_kind(
        self,
        row: _Row,
        file: str,
        *,
        what: str,
        pattern: re.Pattern[str],
        hint: str,
        kinds: Mapping[str, _Kind],
    ) -> tuple[str, _Kind | None] | None:
        """The row's id and what its kind stands for; None (after a problem) to skip the row.

        The kind is None when the cell is empty: that is reported by ``_required``.
        """
        key = self._required(row, "id", file)
        kind = self._required(row, "kind", file)
        if key and not pattern.fullmatch(key):
            self._problem(
                "bad-value",
                f"'{key}' is not a valid {what} id",
                file,
                row.line,
                hint=hint,
                value=key,
            )
            return None
        found = kinds.get(kind)
        if kind and found is None:
            self._problem(
                "bad-value",
                f"kind '{kind}' is not one of {', '.join(kinds)}",
                file,
                row.line,
                value=kind,
            )
            return None
        return key, found

    def _three_digits(self, row: _Row, column: str, file: str) -> str:
        """A numeric code as the three-digit string ISO and M49 print (``4`` → ``004``)."""
        value = self._required(row, column, file)
        if value and not _DIGITS_1_3.fullmatch(value):
            self._problem(
                "bad-value",
                f"'{column}' must be a number of up to three digits",
                file,
                row.line,
                value=value,
            )
            return ""
        return value.zfill(3)

    def _wikidata_url(self, value: str, file: str, line: int) -> NamedNode | None:
        """``https://www.wikidata.org/wiki/Q889`` → the entity IRI ``…/entity/Q889``."""
        if not value:
            return None
        match = _WIKIDATA_URL.fullmatch(value)
        if match is None:
            self._problem(
                "bad-value",
                f"'{value}' is not a Wikidata item URL",
                file,
                line,
                hint="write https://www.wikidata.org/wiki/Q…",
                value=value,
            )
            return None
        return _wikidata(match.group(1))

    # -- HS 2022 ------------------------------------------------------------------------------

    def hs(self) -> None:
        """HS 2022 as a SKOS concept scheme: sections, chapters, headings, subheadings.

        Each concept points to its parent with ``skos:broader`` only; queries walk
        ``skos:broader*``, so ``skos:narrower`` would only double the graph.
        """
        out = self.graphs[HS2022]
        add = out.append
        add(Triple(HS_SCHEME, RDF_TYPE, _SKOS_CONCEPT_SCHEME))
        add(Triple(HS_SCHEME, RDFS_LABEL, _en("Harmonized System 2022")))
        add(Triple(HS_SCHEME, _SKOS_PREF_LABEL, _en("Harmonized System 2022")))
        add(Triple(HS_SCHEME, _DCTERMS_SOURCE, HS_SOURCE))
        add(Triple(HS_SCHEME, _DCTERMS_LICENSE, PDDL))
        add(Triple(HS_SCHEME, _OWL_VERSION_INFO, _string("2022")))

        sections = self._read(HS_SECTIONS_FILE, _SECTION_COLUMNS)
        if sections is not None:
            file = self._display(HS_SECTIONS_FILE)
            for row in sections:
                number = self._required(row, "section", file)
                name = self._required(row, "name", file)
                if number and not _ROMAN.fullmatch(number):
                    self._problem(
                        "bad-value",
                        f"'{number}' is not a section number in Roman numerals",
                        file,
                        row.line,
                        value=number,
                    )
                    continue
                if not (number and name):
                    continue
                subject = thing("hs2022", f"section-{number}")
                entity = ReferenceEntity(subject, (HS_SECTION,), name)
                if not self._define(f"{HS_ID_PREFIX}section-{number}", entity, file, row.line):
                    continue
                self._sections[number] = subject
                self._concept(add, subject, HS_SECTION, number, name)
                add(Triple(subject, _SKOS_TOP_CONCEPT_OF, HS_SCHEME))

        codes = self._read(HS_FILE, _HS_COLUMNS)
        if codes is None:
            return
        file = self._display(HS_FILE)
        for row in codes:
            code, level, parent = row["hscode"], row["level"], row["parent"]
            if code == _HS_ROOT:
                continue  # the level-5 "Total of all HS2022 commodities" row is not a concept
            hs_class = _HS_LEVELS.get(level)
            if hs_class is None:
                self._problem(
                    "bad-value", f"HS level '{level}' is not 2, 4 or 6", file, row.line, value=level
                )
                continue
            if not _HS_CODE.fullmatch(code) or len(code) != int(level):
                self._problem(
                    "bad-value",
                    f"'{code}' is not a {level}-digit HS code",
                    file,
                    row.line,
                    value=code,
                )
                continue
            description = self._required(row, "description", file)
            broader: NamedNode | None
            if level == "2" and row["section"] == _HS_ROOT:
                # Chapter 99 "Commodities not specified according to kind" is UN Comtrade's,
                # not the WCO's, and has no section: it becomes a top concept of its own.
                broader = HS_SCHEME
            elif level == "2":
                broader = self._sections.get(row["section"])
                if broader is None and sections is not None:
                    self._problem(
                        "unknown-section",
                        f"chapter {code} is in section "
                        f"'{row['section']}', which {HS_SECTIONS_FILE} does not list",
                        file,
                        row.line,
                        value=row["section"],
                    )
            else:
                broader = self._hs_codes.get(parent)
                if broader is None or len(parent) != int(level) - 2 or not code.startswith(parent):
                    self._problem(
                        "unknown-parent",
                        f"the parent of {code} must be the "
                        f"{int(level) - 2}-digit code before it, not '{parent}'",
                        file,
                        row.line,
                        value=parent,
                        hint="rows must come after the row of their parent",
                    )
                    broader = None
            if broader is None or not description:
                continue
            subject = thing("hs2022", code)
            if not self._define(
                HS_ID_PREFIX + code,
                ReferenceEntity(subject, (hs_class,), description),
                file,
                row.line,
            ):
                continue
            self._hs_codes[code] = subject
            self._concept(add, subject, hs_class, code, description)
            if broader == HS_SCHEME:
                add(Triple(subject, _SKOS_TOP_CONCEPT_OF, HS_SCHEME))
            else:
                add(Triple(subject, _SKOS_BROADER, broader))

    @staticmethod
    def _concept(
        add: Callable[[Triple], None],
        subject: NamedNode,
        cls: NamedNode,
        notation: str,
        label: str,
    ) -> None:
        add(Triple(subject, RDF_TYPE, cls))
        # Typed skos:Concept explicitly too: SKOS tools (Skosmos, a plain SPARQL query) see
        # no concept behind our subclasses without RDFS inference.
        add(Triple(subject, RDF_TYPE, _SKOS_CONCEPT))
        add(Triple(subject, _SKOS_NOTATION, _string(notation)))
        add(Triple(subject, _SKOS_PREF_LABEL, _en(label)))
        add(Triple(subject, RDFS_LABEL, _en(label)))
        add(Triple(subject, _SKOS_IN_SCHEME, HS_SCHEME))

    # -- parties ------------------------------------------------------------------------------

    def parties(self) -> None:
        """Unions, groupings and international organisations, with their members.

        Members are countries (alpha-3) or other parties (``EU`` in the G20); they are checked
        after all rows are read so that a party may name one defined further down.
        """
        rows = self._read(PARTIES_FILE, _PARTY_COLUMNS)
        if rows is None:
            return
        file = self._display(PARTIES_FILE)
        out = self.graphs[PARTIES]
        add = out.append
        pending: list[tuple[_Row, NamedNode]] = []
        for row in rows:
            checked = self._id_and_kind(
                row,
                file,
                what="party",
                pattern=_PARTY_ID,
                hint="letters, digits and single hyphens, e.g. ASEAN or world-bank",
                kinds=_PARTY_KINDS,
            )
            label = self._required(row, "label", file)
            if checked is None:
                continue
            party_id, known = checked
            qid = self._qid(row["wikidata"], file, row.line)
            if known is None or not (party_id and label):
                continue
            cls, segment = known
            subject = thing(segment, party_id)
            if not self._define(party_id, ReferenceEntity(subject, (cls,), label), file, row.line):
                continue
            add(Triple(subject, RDF_TYPE, cls))
            add(Triple(subject, RDFS_LABEL, _en(label)))
            _add_alt_labels_and_definition(add, subject, label, row)
            if qid is not None:
                add(Triple(subject, _SKOS_EXACT_MATCH, qid))
            pending.append((row, subject))

        for row, subject in pending:
            seen: set[str] = set()
            for member in _split(row["members"]):
                entity = self.ids.get(member)
                if member in seen:
                    self._problem(
                        "duplicate-member",
                        f"member '{member}' is listed twice",
                        file,
                        row.line,
                        value=member,
                    )
                elif member == row["id"]:
                    self._problem(
                        "bad-member",
                        f"'{member}' cannot be a member of itself",
                        file,
                        row.line,
                        value=member,
                    )
                elif entity is None or not (
                    COUNTRY in entity.classes
                    or SUPRANATIONAL_UNION in entity.classes
                    or GROUPING in entity.classes
                ):
                    self._problem(
                        "unknown-member",
                        f"member '{member}' is neither an ISO "
                        f"alpha-3 code in {COUNTRIES_FILE} nor a party id",
                        file,
                        row.line,
                        value=member,
                        hint="write the alpha-3 code (VNM) or a party id (EU)",
                    )
                else:
                    add(Triple(subject, _HAS_MEMBER, entity.iri))
                seen.add(member)

    def _qid(self, value: str, file: str, line: int) -> NamedNode | None:
        if not value:
            return None
        if not _QID.fullmatch(value):
            self._problem(
                "bad-value",
                f"'{value}' is not a Wikidata id",
                file,
                line,
                hint="write the item id only, e.g. Q458",
                value=value,
            )
            return None
        return _wikidata(value)

    # -- product groups -----------------------------------------------------------------------

    def product_groups(self) -> None:
        """Coarse product groups and sectors, linked to HS codes and to each other."""
        rows = self._read(PRODUCT_GROUPS_FILE, _GROUP_COLUMNS)
        if rows is None:
            return
        file = self._display(PRODUCT_GROUPS_FILE)
        out = self.graphs[PRODUCT_GROUPS]
        add = out.append
        add(Triple(PRODUCT_GROUP_SCHEME, RDF_TYPE, _SKOS_CONCEPT_SCHEME))
        label = "tradekg product groups and sectors"
        add(Triple(PRODUCT_GROUP_SCHEME, RDFS_LABEL, _en(label)))
        add(Triple(PRODUCT_GROUP_SCHEME, _SKOS_PREF_LABEL, _en(label)))
        add(Triple(PRODUCT_GROUP_SCHEME, _DCTERMS_LICENSE, CC0))

        pending: list[tuple[_Row, NamedNode]] = []
        for row in rows:
            checked = self._id_and_kind(
                row,
                file,
                what="group",
                pattern=_GROUP_ID,
                hint="lower-case words joined by hyphens, e.g. rare-earths",
                kinds=_GROUP_KINDS,
            )
            name = self._required(row, "label", file)
            if checked is None:
                continue
            group_id, cls = checked
            if cls is None or not (group_id and name):
                continue
            subject = thing("product-group", group_id)
            if not self._define(group_id, ReferenceEntity(subject, (cls,), name), file, row.line):
                continue
            add(Triple(subject, RDF_TYPE, cls))
            add(Triple(subject, RDF_TYPE, _SKOS_CONCEPT))
            add(Triple(subject, RDFS_LABEL, _en(name)))
            add(Triple(subject, _SKOS_PREF_LABEL, _en(name)))
            _add_alt_labels_and_definition(add, subject, name, row)
            add(Triple(subject, _SKOS_IN_SCHEME, PRODUCT_GROUP_SCHEME))
            if cls == SECTOR and (row["narrow_match"] or row["close_match"]):
                self._problem(
                    "sector-hs-link",
                    f"sector '{group_id}' is linked to HS codes",
                    file,
                    row.line,
                    hint="HS classifies goods; make it a ProductGroup or remove the HS codes",
                )
            for column, predicate in (
                ("narrow_match", _SKOS_NARROW_MATCH),
                ("close_match", _SKOS_CLOSE_MATCH),
            ):
                for code in _split(row[column]):
                    target = self._hs_codes.get(code)
                    if target is None:
                        self._problem(
                            "unknown-hs-code",
                            f"'{code}' in {column} is not an HS "
                            f"2022 chapter, heading or subheading in {HS_FILE}",
                            file,
                            row.line,
                            value=code,
                            hint="write 2, 4 or 6 digits without dots, e.g. 2805",
                        )
                    else:
                        add(Triple(subject, predicate, target))
            pending.append((row, subject))

        parents: dict[str, list[str]] = {}
        for row, subject in pending:
            for other in _split(row["broader"]):
                entity = self.ids.get(other)
                if entity is None or not (
                    PRODUCT_GROUP in entity.classes or SECTOR in entity.classes
                ):
                    self._problem(
                        "unknown-group",
                        f"broader group '{other}' is not defined in {PRODUCT_GROUPS_FILE}",
                        file,
                        row.line,
                        value=other,
                    )
                elif other == row["id"]:
                    self._problem(
                        "broader-cycle",
                        f"'{other}' cannot be broader than itself",
                        file,
                        row.line,
                        value=other,
                    )
                else:
                    add(Triple(subject, _SKOS_BROADER, entity.iri))
                    parents.setdefault(row["id"], []).append(other)
        for row, subject in pending:
            if row["id"] not in parents:
                add(Triple(subject, _SKOS_TOP_CONCEPT_OF, PRODUCT_GROUP_SCHEME))
        self._check_cycles(parents, {row["id"]: row.line for row, _ in pending}, file)

    def _check_cycles(
        self, parents: dict[str, list[str]], lines: dict[str, int], file: str
    ) -> None:
        """A group that is (transitively) broader than itself would make broader* loop."""
        reported: set[str] = set()
        for start in parents:
            stack = list(parents[start])
            seen: set[str] = set()
            while stack:
                current = stack.pop()
                if current == start:
                    if start not in reported:
                        self._problem(
                            "broader-cycle",
                            f"'{start}' is broader than itself through its broader groups",
                            file,
                            lines.get(start),
                            value=start,
                        )
                        reported.add(start)
                    break
                if current not in seen:
                    seen.add(current)
                    stack.extend(parents.get(current, ()))


def _unterm(name: str) -> str:
    """A UNTERM name without its "(the)" article marker and footnote star."""
    return _UNTERM_STAR.sub("", _UNTERM_THE.sub("", name)).strip()


#: ``is_independent`` values that make an ISO entry a dependent territory; "In contention"
#: (Palestine, Western Sahara) and "International" (Antarctica) are neither kind.
_DEPENDENCY_PREFIXES = (
    "Territory of",
    "Territories of",
    "Part of",
    "Crown dependency of",
    "Associated with",
    "Commonwealth of",
)


def _status_classes(independent: str) -> tuple[NamedNode, ...]:
    """The classes the ISO independence status implies besides ``tkg:Country``."""
    if independent == "Yes":
        return (SOVEREIGN_STATE,)
    if independent.startswith(_DEPENDENCY_PREFIXES):
        return (DEPENDENT_TERRITORY,)
    return ()


def _alt_labels(label: str, row: _Row) -> list[str]:
    """Other English names a source may use: the official name and UNTERM's names.

    UNTERM's formal names start with a lower-case "the" for use in running text; the
    article is dropped so the label reads as a name ("Socialist Republic of Viet Nam").
    """
    candidates = [row[_C_CLDR], _unterm(row[_C_UNTERM_SHORT])]
    formal = _unterm(row[_C_UNTERM_FORMAL])
    candidates.append(formal[4:] if formal.startswith("the ") else formal)
    result: list[str] = []
    for candidate in candidates:
        if candidate and candidate != label and candidate not in result:
            result.append(candidate)
    return result


def _add_alt_labels_and_definition(
    add: Callable[[Triple], None], subject: NamedNode, label: str, row: _Row
) -> None:
    """A curated row's other names (``|``-separated) and its definition."""
    for alt in _split(row["alt_labels"], _LIST_SEPARATOR):
        if alt != label:
            add(Triple(subject, _SKOS_ALT_LABEL, _en(alt)))
    if row["definition"]:
        add(Triple(subject, _SKOS_DEFINITION, _en(row["definition"])))
