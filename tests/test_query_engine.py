"""The query machinery: headers, typed binding, injection safety, formats, local = remote.

Everything runs on real engines: an embedded pyoxigraph store and a real Oxigraph server
(the ``oxigraph_server`` fixture) loaded over the Graph Store Protocol.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from loader.build.catalogue import catalogue_triples
from loader.commands.query import command as query_command
from loader.namespaces import ID, TKG, XSD
from loader.problems import InputError
from loader.query.local import open_store, run_local
from loader.query.output import render, to_csv, to_tsv
from loader.query.params import ParamValueError, bind, resolve, spec_for_variable, to_term
from loader.query.remote import Credentials, credentials_for, run_remote
from loader.query.result import (
    BooleanResult,
    QueryResult,
    Solutions,
    Triples,
    from_sparql_json,
    same_answer,
    to_sparql_json,
)
from loader.query.saved import SavedQuery, parse_query
from loader.query.scan import structure
from loader.store.server import OxigraphServer

PREFIXES = """PREFIX tkg: <https://w3id.org/tradekg/ontology#>
PREFIX id: <https://w3id.org/tradekg/id/>
PREFIX state: <https://w3id.org/tradekg/id/state/>
PREFIX party: <https://w3id.org/tradekg/id/party/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

#: A small dataset in two note graphs, with values that are awkward to print and escape.
GRAPHS: dict[str, str] = {
    "https://w3id.org/tradekg/graph/note/test/a": """
@prefix tkg: <https://w3id.org/tradekg/ontology#> .
@prefix m: <https://w3id.org/tradekg/id/tariff-measure/> .
@prefix state: <https://w3id.org/tradekg/id/state/> .
@prefix party: <https://w3id.org/tradekg/id/party/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
m:m1 a tkg:TariffMeasure ; tkg:imposedBy state:USA ;
    tkg:appliesTo state:VNM ; tkg:rate 46.0 ; tkg:effectiveFrom "2025-04-09"^^xsd:date ;
    rdfs:label "US tariff on Viet Nam"@en ;
    tkg:quote "He said \\"yes, } ; DROP ALL ; #\\"\\nthen left" .
m:m2 a tkg:TariffMeasure ; tkg:imposedBy state:USA ;
    tkg:appliesTo state:KHM ; tkg:rate 19 ; tkg:effectiveFrom "2025-08-07"^^xsd:date ;
    rdfs:label "US tariff on Cambodia"@en , "Droit de douane"@fr .
""",
    "https://w3id.org/tradekg/graph/note/test/b": """
@prefix tkg: <https://w3id.org/tradekg/ontology#> .
@prefix m: <https://w3id.org/tradekg/id/tariff-measure/> .
@prefix state: <https://w3id.org/tradekg/id/state/> .
@prefix party: <https://w3id.org/tradekg/id/party/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
m:m3 a tkg:TariffMeasure ; tkg:imposedBy state:USA ;
    tkg:appliesTo state:VNM ; tkg:rate 20 ; rdfs:label "US tariff on Viet Nam, revised"@en .
state:VNM rdfs:label "Viet Nam"@en ; tkg:memberOf party:ASEAN .
state:KHM rdfs:label "Cambodia"@en ; tkg:memberOf party:ASEAN .
state:USA rdfs:label "United States"@en ; tkg:note [ rdfs:label "a blank node" ] .
""",
}

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------


def load_graphs(store: ox.Store) -> None:
    for graph, turtle in GRAPHS.items():
        store.load(turtle.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))


@pytest.fixture
def store() -> ox.Store:
    memory = ox.Store()
    load_graphs(memory)
    return memory


def put_graphs(server: OxigraphServer) -> None:
    """Load the test dataset into the server, one GSP PUT per graph."""
    for graph, turtle in GRAPHS.items():
        url = f"{server.store_endpoint}?graph={urllib.parse.quote(graph, safe='')}"
        request = urllib.request.Request(
            url, data=turtle.encode(), method="PUT", headers={"Content-Type": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (201, 204)


@pytest.fixture
def server(oxigraph_server: OxigraphServer) -> OxigraphServer:
    put_graphs(oxigraph_server)
    return oxigraph_server


def count_local(store: ox.Store) -> int:
    return len(store)


def count_remote(server: OxigraphServer) -> int:
    answer = run_remote(server.query_endpoint, COUNT_ALL, form="SELECT")
    assert isinstance(answer, Solutions)
    term = answer.rows[0][0]
    assert isinstance(term, ox.Literal)
    return int(term.value)


def run_both(
    query: SavedQuery, given: dict[str, str], store: ox.Store, server: OxigraphServer
) -> tuple[QueryResult, QueryResult]:
    text = bind(query.text, resolve(query.params, given))
    return run_local(store, text), run_remote(server.query_endpoint, text, form=query.form)


def q(body: str, header: str = "#+ summary: test query\n") -> SavedQuery:
    return parse_query(header + PREFIXES + body, name="test", file="test.rq")


def values(result: QueryResult, variable: str) -> list[str]:
    assert isinstance(result, Solutions)
    index = result.variables.index(variable)
    return sorted(str(row[index]) for row in result.rows)


# ---------------------------------------------------------------------------------------------
# header parsing
# ---------------------------------------------------------------------------------------------

HEADER_QUERY = """#+ summary: Tariffs at or above a rate
#+ description: >
#+   Every tariff measure a state imposes at or above a rate.
#+ tags: [tariffs, states]
#+ defaults:
#+   - rate: 19
#+   - since: 2025-01-01
#+ enumerate:
#+   - state: [id:state/USA, id:state/CHN]
PREFIX tkg: <https://w3id.org/tradekg/ontology#>
SELECT ?m ?rate WHERE {
  ?m tkg:imposedBy ?_state_iri ; tkg:rate ?rate .  # ?_notaparam in a comment
  OPTIONAL { ?m tkg:effectiveFrom ?from FILTER(?from >= ?_since_date) }
  FILTER(?rate >= ?_rate_decimal && ?m != "?_notaparam2")
  OPTIONAL { ?m tkg:label ?label FILTER(lang(?label) = "en" && ?label = ?__label_en) }
}
"""


def test_header_is_read_with_parameters_types_and_defaults() -> None:
    query = parse_query(HEADER_QUERY, name="tariffs", file="queries/tariffs.rq")
    assert query.summary == "Tariffs at or above a rate"
    assert query.description == "Every tariff measure a state imposes at or above a rate."
    assert query.tags == ("tariffs", "states")
    assert query.form == "SELECT"
    assert sorted(query.params) == ["label", "rate", "since", "state"]
    rate, since, state, label = (query.params[k] for k in ("rate", "since", "state", "label"))
    assert (rate.kind, rate.default, rate.required) == ("decimal", "19", False)
    assert (since.kind, since.default) == ("date", "2025-01-01")  # YAML's date made text again
    assert state.kind == "iri" and state.required
    assert state.enumeration == ("id:state/USA", "id:state/CHN")
    assert (label.kind, label.language, label.optional, label.required) == (
        "lang",
        "en",
        True,
        False,
    )
    assert "?_notaparam" not in {s.variable for s in query.params.values()}
    assert query.body.startswith("PREFIX tkg:")


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("#+ summary: [unclosed\nSELECT * {}\n", "bad-query-header", 1),
        ("#+ summary: ok\n#+ tagz: [a]\nSELECT * {}\n", "unknown-header-key", 2),
        ("#+ summary: ok\nSELECT * { ?s ?p ?_min_rate_decimal }\n", "bad-parameter-name", 2),
        ("#+ summary: ok\nSELECT * { ?s ?p ?_x_percent }\n", "bad-parameter-name", 2),
        (
            "#+ summary: ok\n#+ defaults:\n#+   - rate: nineteen\n"
            "SELECT * { ?s ?p ?_rate_integer }\n",
            "bad-parameter-value",
            2,
        ),
        (
            "#+ summary: ok\n#+ defaults:\n#+   - nope: 1\nSELECT * { ?s ?p ?o }\n",
            "unknown-parameter",
            2,
        ),
        ("#+ summary: ok\nINSERT DATA { <a:b> <a:c> <a:d> }\n", "update-not-allowed", 2),
        ("SELECT * { ?s ?p ?o }\n", "missing-summary", 1),
        (
            "#+ summary: ok\nSELECT * { ?s ?p ?_a_integer . ?s ?p ?_a_iri }\n",
            "duplicate-parameter",
            2,
        ),
    ],
)
def test_header_problems_point_at_file_and_line(text: str, code: str, line: int) -> None:
    with pytest.raises(InputError) as caught:
        parse_query(text, name="bad", file="queries/bad.rq", require_summary=True)
    found = [(p.code, p.line, p.file) for p in caught.value.problems]
    assert (code, line, "queries/bad.rq") in found, found


def test_scanner_ignores_strings_comments_and_iris() -> None:
    text = PREFIXES + (
        'SELECT ?x WHERE { ?x <http://e/?_no> "?_no { }" . # ?_no {\n'
        "  ?x ?p '''?_no\n}''' . ?x ?p ?_yes }"
    )
    shape = structure(text)
    assert set(shape.param_lines) == {"_yes"}
    assert len(shape.groups) == 1


def test_scanner_knows_templates_data_blocks_and_subselects() -> None:
    shape = structure(
        "CONSTRUCT { ?s <http://e/p> ?_a } WHERE { VALUES ?s { <http://e/s> } "
        "{ SELECT ?s WHERE { ?s ?p ?_b } } }"
    )
    assert shape.form == "CONSTRUCT"
    assert len(shape.groups) == 2  # the WHERE group and the sub-select's WHERE group
    assert shape.outer_group is not None and shape.outer_group.params == {"_a", "_b"}
    assert shape.groups[1].params == {"_b"}


# ---------------------------------------------------------------------------------------------
# typed values
# ---------------------------------------------------------------------------------------------


def spec(variable: str):  # type: ignore[no-untyped-def]
    found = spec_for_variable(variable)
    assert not isinstance(found, Exception) and hasattr(found, "kind"), found
    return found


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("_x", 'a "quoted" } value', ox.Literal('a "quoted" } value')),
        ("_x_iri", "id:state/VNM", ox.NamedNode(ID + "state/VNM")),
        ("_x_iri", "tkg:TariffMeasure", ox.NamedNode(TKG + "TariffMeasure")),
        ("_x_iri", "https://example.org/a?b=c#d", ox.NamedNode("https://example.org/a?b=c#d")),
        ("_x_iri", "urn:isbn:123", ox.NamedNode("urn:isbn:123")),
        ("_x_integer", " 42 ", ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
        ("_x_decimal", "-19.5", ox.Literal("-19.5", datatype=ox.NamedNode(XSD + "decimal"))),
        ("_x_number", "19", ox.Literal("19", datatype=ox.NamedNode(XSD + "integer"))),
        ("_x_number", "1.5e3", ox.Literal("1.5e3", datatype=ox.NamedNode(XSD + "double"))),
        ("_x_date", "2025-02-28", ox.Literal("2025-02-28", datatype=ox.NamedNode(XSD + "date"))),
        ("_x_boolean", "true", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        ("_x_en", "Viet Nam", ox.Literal("Viet Nam", language="en")),
        ("_x_xsd_gYear", "2025", ox.Literal("2025", datatype=ox.NamedNode(XSD + "gYear"))),
        ("_x", "名前 ☃ 🚀", ox.Literal("名前 ☃ 🚀")),
    ],
)
def test_values_become_terms_of_the_declared_type(
    variable: str, value: str, expected: object
) -> None:
    assert to_term(spec(variable), value) == expected


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("_x_iri", "http://e/a b", "a space"),
        ("_x_iri", "http://e/a>b", "'>'"),
        ("_x_iri", "http://e/{x}", "'{'"),
        ("_x_iri", "http://e/a\\b", "'\\'"),
        ("_x_iri", "http://e/`", "'`'"),
        ("_x_iri", "VNM", "absolute IRI"),
        ("_x_iri", "nope:thing", None),  # an unknown scheme is still absolute: accepted
        ("_x_integer", "19.5", "whole number"),
        ("_x_integer", "1; DROP ALL", "whole number"),
        ("_x_decimal", "19%", "decimal"),
        ("_x_date", "2025-02-30", "date"),
        ("_x_date", "yesterday", "date"),
        ("_x_boolean", "yes", "true or false"),
        ("_x_double", "1e999", "number"),
        ("_x", "bell\x07", "control character"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(
    variable: str, value: str, words: str | None
) -> None:
    if words is None:
        to_term(spec(variable), value)
        return
    with pytest.raises(ParamValueError, match=words.replace("\\", "\\\\")):
        to_term(spec(variable), value)


def test_resolve_reports_every_problem_naming_the_parameter() -> None:
    query = parse_query(HEADER_QUERY, name="t")
    with pytest.raises(InputError) as caught:
        resolve(query.params, {"rate": "lots", "since": "never", "colour": "red"})
    messages = " | ".join(p.message for p in caught.value.problems)
    assert "parameter 'rate' (decimal)" in messages
    assert "parameter 'since' (date)" in messages
    assert "needs parameter 'state'" in messages
    assert "no parameter 'colour'" in messages
    with pytest.raises(InputError, match=r"^1 error in the input$"):
        resolve(query.params, {"state": "id:state/FRA"})  # not in the enumeration


# ---------------------------------------------------------------------------------------------
# injection: hostile values in every parameter type, on both engines
# ---------------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    "'",
    '"} ; DROP ALL ; #',
    "} ; DROP ALL ; #",
    '" } } ; CLEAR ALL ; SELECT * { "',
    "'''",
    '"""',
    "\\",
    '\\"',
    "\\u0022 } ; DROP ALL ; #",
    "a\nb } #",
    "a\r\nDROP ALL",
    "tab\there",
    ">",
    "<http://evil/> } ; DROP ALL ; #",
    "http://e/a b",
    "http://e/a>b } ; DROP ALL ; #",
    "http://e/ok> . } ; DROP ALL ; #<",
    "tkg:X> } DROP ALL #",
    "?_other",
    "$s",
    "# just a comment",
    "名前 ☃ 🚀 \u202e",
    "",
    "   ",
    "1 ; DROP ALL",
    "1) } ; DROP ALL ; #",
    '2025-01-01"^^xsd:date } DROP ALL #',
    "true } #",
    # well-formed values of each type that still carry quotes, braces or escapes
    "http://e/ok?q='1'&x=(2)#frag",
    "urn:x:%22%7D%20DROP",
    "tkg:Odd'Name",
    "19",
    "-0.5",
    "1.5e3",
    "true",
    "2025-01-01",
    "2025-01-01T10:00:00Z",
    "2025",
]

PARAM_TYPES = [
    "",
    "_iri",
    "_integer",
    "_decimal",
    "_double",
    "_number",
    "_boolean",
    "_date",
    "_dateTime",
    "_gYear",
    "_anyURI",
    "_en",
    "_xsd_string",
]


def same_value(got: object, sent: ox.NamedNode | ox.Literal) -> bool:
    """The engine returned the term we bound (doubles may come back in another lexical form)."""
    doubles = (XSD + "double", XSD + "float")
    if (
        isinstance(got, ox.Literal)
        and isinstance(sent, ox.Literal)
        and sent.datatype.value in doubles
    ):
        return got.datatype == sent.datatype and float(got.value) == float(sent.value)
    return got == sent


def echo_query(suffix: str) -> SavedQuery:
    """A query that returns the bound value and looks it up in the data."""
    return q(
        f"SELECT ?echo ?s WHERE {{ BIND(?_v{suffix} AS ?echo) "
        f"OPTIONAL {{ ?s ?p ?_v{suffix} }} FILTER(?_v{suffix} = ?_v{suffix}) }}"
    )


@pytest.mark.parametrize("suffix", PARAM_TYPES)
def test_hostile_values_are_refused_or_bound_exactly_on_the_embedded_store(
    suffix: str, store: ox.Store
) -> None:
    before = count_local(store)
    query = echo_query(suffix)
    accepted = 0
    for value in HOSTILE:
        try:
            terms = resolve(query.params, {"v": value})
        except InputError as error:
            message = error.problems[0].message
            assert message.startswith("parameter 'v'"), message
            continue
        accepted += 1
        term = terms[f"_v{suffix}"]
        answer = run_local(store, bind(query.text, terms))
        assert isinstance(answer, Solutions)
        assert [same_value(row[0], term) for row in answer.rows] == [True], value
        found = {row[1] for row in answer.rows if row[1] is not None}
        assert found == {quad.subject for quad in store.quads_for_pattern(None, None, term)}
    assert accepted > 0, "every value was refused: the binding path was never exercised"
    assert count_local(store) == before


@pytest.mark.parametrize("suffix", PARAM_TYPES)
def test_hostile_values_are_refused_or_bound_exactly_on_an_oxigraph_server(
    suffix: str, server: OxigraphServer
) -> None:
    before = count_remote(server)
    assert before > 0
    query = echo_query(suffix)
    for value in HOSTILE:
        try:
            terms = resolve(query.params, {"v": value})
        except InputError:
            continue
        answer = run_remote(server.query_endpoint, bind(query.text, terms), form="SELECT")
        assert isinstance(answer, Solutions)
        assert [same_value(row[0], terms[f"_v{suffix}"]) for row in answer.rows] == [True], value
    assert count_remote(server) == before


def test_a_trailing_values_clause_would_have_been_wrong(store: ox.Store) -> None:
    """Why VALUES goes into the group: after the query it is joined after the FILTER ran."""
    query = q("SELECT ?m WHERE { ?m tkg:rate ?r FILTER(?r >= ?_rate_decimal) }")
    terms = resolve(query.params, {"rate": "20"})
    trailing = query.text + ' VALUES ?_rate_decimal { "20"^^xsd:decimal }'
    assert values(run_local(store, trailing), "m") == []  # the FILTER saw ?_rate unbound
    bound = values(run_local(store, bind(query.text, terms)), "m")
    assert bound == [f"<{ID}tariff-measure/m1>", f"<{ID}tariff-measure/m3>"]


# ---------------------------------------------------------------------------------------------
# local and remote agree
# ---------------------------------------------------------------------------------------------

AGREEING: list[tuple[str, dict[str, str]]] = [
    (
        "SELECT ?m ?rate WHERE { ?m tkg:imposedBy ?_state_iri ; tkg:rate ?rate "
        "FILTER(?rate >= ?_rate_decimal) } ORDER BY DESC(?rate)",
        {"state": "id:state/USA", "rate": "19"},
    ),
    (
        "SELECT ?m ?from WHERE { ?m a tkg:TariffMeasure "
        "OPTIONAL { ?m tkg:effectiveFrom ?from FILTER(?from >= ?_since_date) } }",
        {"since": "2025-05-01"},
    ),
    (
        "SELECT ?target ?n WHERE { { SELECT ?target (COUNT(?m) AS ?n) WHERE { "
        "?m tkg:appliesTo ?target ; tkg:rate ?r FILTER(?r >= ?_rate_integer) } "
        "GROUP BY ?target } }",
        {"rate": "20"},
    ),
    ("ASK { ?_state_iri tkg:memberOf party:ASEAN }", {"state": "id:state/VNM"}),
    ("ASK { ?_state_iri tkg:memberOf party:ASEAN }", {"state": "id:state/USA"}),
    (
        "CONSTRUCT { ?m tkg:hits ?_state_iri } WHERE { ?m tkg:appliesTo ?_state_iri }",
        {"state": "id:state/VNM"},
    ),
    ("SELECT ?s WHERE { ?s rdfs:label ?_name_en }", {"name": "Viet Nam"}),
    ("SELECT ?g ?m WHERE { GRAPH ?g { ?m tkg:appliesTo ?_state_iri } }", {"state": "id:state/VNM"}),
    ("SELECT ?m ?q WHERE { ?m tkg:quote ?q FILTER(CONTAINS(?q, ?_text)) }", {"text": '"yes, }'}),
    ("SELECT ?s ?label WHERE { ?s tkg:note [ rdfs:label ?label ] }", {}),
]


@pytest.mark.parametrize(("body", "given"), AGREEING)
def test_local_and_remote_answers_are_the_same(
    body: str, given: dict[str, str], store: ox.Store, server: OxigraphServer
) -> None:
    query = q(body)
    local, remote = run_both(query, given, store, server)
    assert type(local) is type(remote)
    if isinstance(local, Solutions):
        assert local.rows, "a test query that answers nothing proves little"
    if isinstance(local, Triples):
        assert local.triples
    assert same_answer(local, remote, ordered="ORDER BY" in body)


# ---------------------------------------------------------------------------------------------
# formats
# ---------------------------------------------------------------------------------------------

AWKWARD = Solutions(
    ("s", "label", "n", "b"),
    (
        (
            ox.NamedNode(ID + "state/VNM"),
            ox.Literal("Viet Nam", language="en"),
            ox.Literal("46", datatype=ox.NamedNode(XSD + "integer")),
            None,
        ),
        (
            ox.NamedNode("http://example.org/x"),
            ox.Literal('comma, "quote"\nnewline\ttab'),
            None,
            ox.BlankNode("b0"),
        ),
    ),
)


def test_csv_follows_the_sparql_csv_format() -> None:
    assert to_csv(AWKWARD) == (
        "s,label,n,b\r\n"
        "https://w3id.org/tradekg/id/state/VNM,Viet Nam,46,\r\n"
        'http://example.org/x,"comma, ""quote""\nnewline\ttab",,_:b0\r\n'
    )


def test_tsv_follows_the_sparql_tsv_format() -> None:
    assert to_tsv(AWKWARD) == (
        "?s\t?label\t?n\t?b\n"
        '<https://w3id.org/tradekg/id/state/VNM>\t"Viet Nam"@en\t'
        '"46"^^<http://www.w3.org/2001/XMLSchema#integer>\t\n'
        '<http://example.org/x>\t"comma, \\"quote\\"\\nnewline\\ttab"\t\t_:b0\n'
    )


def test_json_round_trips_and_follows_the_sparql_json_format() -> None:
    text = render(AWKWARD, fmt="json")
    data = json.loads(text)
    assert data["head"]["vars"] == ["s", "label", "n", "b"]
    first = data["results"]["bindings"][0]
    assert first["label"] == {"type": "literal", "value": "Viet Nam", "xml:lang": "en"}
    assert first["n"]["datatype"] == XSD + "integer"
    assert "b" not in first
    assert from_sparql_json(data) == AWKWARD
    assert render(BooleanResult(True), fmt="json") == '{\n  "head": {},\n  "boolean": true\n}\n'
    assert to_sparql_json(BooleanResult(False)) == {"head": {}, "boolean": False}


def test_table_is_readable() -> None:
    text = render(AWKWARD, fmt="table")
    lines = text.splitlines()
    assert lines[0].split() == ["s", "label", "n", "b"]
    assert lines[2].split()[:2] == ["id:state/VNM", "Viet"]
    assert "⏎" in lines[3]  # no raw newline breaks the table
    assert lines[-1] == "(2 rows)"
    cut = render(AWKWARD, fmt="table", max_width=10)
    assert "Viet Nam@…" in cut


def test_graph_answers_render_as_turtle_and_as_tables(store: ox.Store) -> None:
    query = q("CONSTRUCT { ?m tkg:hits ?_state_iri } WHERE { ?m tkg:appliesTo ?_state_iri }")
    answer = run_local(store, bind(query.text, resolve(query.params, {"state": "id:state/KHM"})))
    assert isinstance(answer, Triples)
    turtle = render(answer, fmt="turtle")
    assert "@prefix tkg:" in turtle and "tkg:hits" in turtle
    assert render(answer, fmt="csv").startswith("subject,predicate,object\r\n")


# ---------------------------------------------------------------------------------------------
# credentials
# ---------------------------------------------------------------------------------------------


class _AuthHandler(BaseHTTPRequestHandler):
    expected = "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="SPARQL"')
            self.end_headers()
            return
        body = json.dumps({"head": {}, "boolean": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def auth_endpoint() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _AuthHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_basic_auth_is_sent_and_credentials_never_shown(auth_endpoint: str, tmp_path: Path) -> None:
    good = Credentials("alice", "s3cret-pw")
    assert "s3cret-pw" not in repr(good)
    assert run_remote(auth_endpoint, "ASK {}", form="ASK", credentials=good) == BooleanResult(True)
    with pytest.raises(InputError) as caught:
        run_remote(
            auth_endpoint, "ASK {}", form="ASK", credentials=Credentials("alice", "wrong-pw")
        )
    report = caught.value.report()
    assert "401" in report and "wrong-pw" not in report and "alice" not in report
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login alice password s3cret-pw\n")
    netrc.chmod(0o600)
    from_netrc = credentials_for(auth_endpoint, environ={}, netrc_file=netrc)
    assert from_netrc == Credentials("alice", "s3cret-pw", "~/.netrc")
    env = {"TRADEKG_USER": "bob", "TRADEKG_PASSWORD": "pw2"}
    assert credentials_for(auth_endpoint, environ=env, netrc_file=netrc) == Credentials(
        "bob", "pw2"
    )


def test_credentials_in_the_endpoint_url_are_refused_and_not_echoed() -> None:
    runner = CliRunner()
    result = runner.invoke(
        query_command,
        ["--file", "/dev/null", "--endpoint", "http://alice:topsecret@127.0.0.1:1/sparql"],
    )
    assert "topsecret" not in result.output


# ---------------------------------------------------------------------------------------------
# the command and the catalogue
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "ontology").mkdir(parents=True)
    (root / "queries").mkdir()
    (root / "queries" / "tariffs.rq").write_text(
        "#+ summary: Tariff measures at or above a rate\n"
        "#+ tags: [tariffs]\n#+ defaults:\n#+   - rate: 19\n"
        + PREFIXES
        + "SELECT ?m ?rate WHERE { ?m tkg:rate ?rate FILTER(?rate >= ?_rate_decimal) }\n"
        "ORDER BY ?m\n",
        encoding="utf-8",
    )
    (root / "queries" / "member.rq").write_text(
        "#+ summary: Is a state a member of ASEAN?\n"
        + PREFIXES
        + "ASK { ?_state_iri tkg:memberOf party:ASEAN }\n",
        encoding="utf-8",
    )
    return root


def build_store(root: Path) -> None:
    (root / "dist").mkdir()
    disk = ox.Store(str(root / "dist" / "store"))
    load_graphs(disk)
    disk.flush()
    del disk


def test_cli_lists_and_runs_saved_queries(project: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(query_command, ["--list", "--project", str(project)])
    assert listed.exit_code == 0, listed.output
    assert "tariffs  [SELECT]" in listed.output
    assert "--param rate=…  (decimal, default 19)" in listed.output
    assert "--param state=…  (iri, required)" in listed.output

    missing = runner.invoke(query_command, ["tariffs", "--project", str(project)])
    assert missing.exit_code == 2
    assert "run `tradekg build` first" in missing.output

    build_store(project)
    ran = runner.invoke(query_command, ["tariffs", "--project", str(project), "-p", "rate=20"])
    assert ran.exit_code == 0, ran.output
    assert ran.output.splitlines()[2].startswith("US tariff on Viet Nam           46")
    assert ran.output.splitlines()[-1] == "(2 rows)"
    as_iris = runner.invoke(
        query_command, ["tariffs", "--project", str(project), "-p", "rate=20", "--iris"]
    )
    assert as_iris.output.splitlines()[2].startswith("id:tariff-measure/m1  46")
    as_csv = runner.invoke(query_command, ["tariffs", "--project", str(project), "--format", "csv"])
    assert as_csv.stdout_bytes.count(b"\r\n") == 4  # header + 3 measures at or above 19
    ask = runner.invoke(
        query_command, ["member", "--project", str(project), "-p", "state=id:state/KHM"]
    )
    assert ask.output == "yes\n"
    bad = runner.invoke(
        query_command, ["member", "--project", str(project), "-p", "state=} DROP ALL #"]
    )
    assert bad.exit_code == 2
    assert "parameter 'state' (iri)" in bad.output
    unknown = runner.invoke(query_command, ["nope", "--project", str(project)])
    assert unknown.exit_code == 2 and "member, tariffs" in unknown.output


def test_catalogue_describes_each_query(project: Path) -> None:
    from loader.project import Project

    triples = catalogue_triples(Project(project))
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    rows = list(
        store.query(  # type: ignore[arg-type]
            """PREFIX sh: <http://www.w3.org/ns/shacl#>
            PREFIX schema: <https://schema.org/>
            PREFIX dcterms: <http://purl.org/dc/terms/>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?q ?id ?label ?text WHERE {
              ?q a sh:SPARQLExecutable, sh:SPARQLSelectExecutable ; sh:select ?text ;
                 dcterms:identifier ?id ; rdfs:label ?label ; schema:keywords "tariffs" }"""
        )
    )
    assert len(rows) == 1
    assert rows[0]["q"] == ox.NamedNode("https://w3id.org/tradekg/id/query/tariffs")
    assert not rows[0]["text"].value.startswith("#+")
    assert bool(store.query("ASK { ?q <http://www.w3.org/ns/shacl#ask> ?t }"))


def test_open_store_without_build_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        open_store(tmp_path / "dist" / "store")
    assert caught.value.problems[0].hint == "run `tradekg build` first"
