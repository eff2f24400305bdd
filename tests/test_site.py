"""`tradekg site`: the browsable site, built for real from a copy of the project.

The copy gets three extra notes: one whose label and title are HTML and script, whose
quote holds quotes and a line break; and the investment-pledge extension of
docs/EXTENDING.md (a new class, property, value set and note, no Python). Pages are parsed
with html.parser, and rendered by a real headless Chromium with no network.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import urllib.parse
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from browser_support import BROWSER, chromium_command
from click.testing import CliRunner
from extension_support import PLEDGE, PLEDGE_ONTOLOGY, copy_project
from seed_project import copy_seed_project

from loader.cli import main
from loader.publish.site.paths import class_path, page_path

TKG = "https://w3id.org/tradekg/ontology#"
SCRIPT_LABEL = "<script>alert(1)</script>"
HOSTILE_TEXT = """A test wire story.

Asked about it, he said "no" and 'yes' to <that>
and then left & came back. <script>alert(1)</script> wrote the wire.
"""
HOSTILE_NOTE = """\
source:
  title: "A <b>bold</b> & <script>alert(2)</script> title"
  identifier: site-test-hostile.txt
  publisher: site-test-wire
  issued: 2025-11-03
  documentKind: news-article
language: en
statements:
  - a: Company
    id: site-test-wire
    label: "<script>alert(1)</script>"
    claimStatus: reported
    evidence: "he said \\"no\\" and 'yes' to <that>\\nand then left & came back."
"""
EXTENSION_NOTE = """\
source:
  title: "Japan pledges investment in the United States"
  publisher: site-extension-wire
  issued: 2025-10-28
  documentKind: news-article
language: en
statements:
  - a: Company
    id: site-extension-wire
    label: Site Extension Wire
    claimStatus: reported
    evidence: "Site Extension Wire"
  - a: InvestmentPledge
    id: jpn-usa-investment-2025
    obligor: JPN
    beneficiary: USA
    commitmentType: investment
    commitmentStatus: pledged
    investmentAmount: 550e9
    unit: USD
    claimStatus: reported
    evidence: "Japan pledged $550 billion of investment in the United States"
"""


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def project(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built copy of the project with the hostile note and the extension, and its site."""
    root = copy_project(repo_root, tmp_path_factory.mktemp("site"))
    notes = root / "data" / "notes" / "2025"
    (notes / "2025-11-03-site-test-hostile.yaml").write_text(HOSTILE_NOTE, encoding="utf-8")
    (notes / "2025-10-28-site-test-extension.yaml").write_text(EXTENSION_NOTE, encoding="utf-8")
    (root / "ontology" / "investment.ttl").write_text(PLEDGE_ONTOLOGY, encoding="utf-8")
    archive = root / "data" / "sources"
    archive.mkdir(parents=True, exist_ok=True)
    (archive / "site-test-hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # this test's archive, not CI's seed folder
        patch.setenv("TRADEKG_SOURCES", str(archive))
        invoke("build", "--project", str(root), "--quiet")
    output = invoke("site", "--project", str(root))
    assert "Open dist/site/index.html" in output
    return root


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    return project / "dist" / "site"


def things(project: Path, class_local: str) -> set[str]:
    """IRIs of the things notes type with the class or a subclass, or point at as one."""
    store = ox.Store.read_only(str(project / "dist" / "store"))
    query = f"""
        SELECT DISTINCT ?thing WHERE {{
          GRAPH ?g {{ {{ ?thing a ?c }} UNION {{ ?s ?p ?thing }} }}
          ?thing a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{TKG}{class_local}> .
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/tradekg/graph/note/"))
        }}"""
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return {str(row["thing"].value) for row in answer}


class Links(HTMLParser):
    """Every href and src of a page, with the tag that holds it, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.mark.parametrize(
    "class_local", ["Party", "Agreement", "TradeMeasure", "Commitment", "SourceDocument"]
)
def test_every_seed_thing_of_the_kind_has_a_page(
    project: Path, site: Path, class_local: str
) -> None:
    found = things(project, class_local)
    assert found, class_local
    missing = [iri for iri in found if not (site / page_path(iri)).is_file()]
    assert not missing


def test_statistics_events_and_people_have_pages(project: Path, site: Path) -> None:
    for class_local in ("Statistic", "Event", "Person"):
        found = things(project, class_local)
        assert found, class_local
        assert all((site / page_path(iri)).is_file() for iri in found), class_local


def test_every_internal_link_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 150
    broken = []
    for page in pages:
        for tag, attribute, value in parse(page).links:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("#"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: <{tag} {attribute}={value}>")
    assert not broken, broken[:10]


def test_no_asset_comes_from_the_network(site: Path) -> None:
    for page in site.rglob("*.html"):
        for tag, _attribute, value in parse(page).links:
            if tag in ("script", "link", "img", "iframe", "source", "embed"):
                assert not re.match(r"(?i)^(https?:)?//", value), (page, value)
    for script in site.glob("assets/*.js"):
        assert "fetch(" not in script.read_text(encoding="utf-8")


def test_hostile_label_and_title_are_text(site: Path) -> None:
    page = site / page_path("https://w3id.org/tradekg/id/company/site-test-wire")
    html = page.read_text(encoding="utf-8")
    parsed = parse(page)
    assert "script" not in parsed.tags
    assert "b" not in parsed.tags
    assert SCRIPT_LABEL in "".join(parsed.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
        assert "<b>bold</b>" not in text, path


def test_a_quote_with_quotes_and_a_line_break_reads_as_written(site: Path) -> None:
    page = site / page_path("https://w3id.org/tradekg/id/company/site-test-wire")
    text = "".join(parse(page).text)
    assert "he said \"no\" and 'yes' to <that>\nand then left & came back." in text


def test_a_quote_proved_against_its_source_shows_its_place_and_no_page_of_its_own(
    site: Path,
) -> None:
    page = site / page_path("https://w3id.org/tradekg/id/company/site-test-wire")
    assert "of the archived source text" in page.read_text(encoding="utf-8")
    assert not [p for p in site.rglob("*.html") if "_23" in p.name]  # no '#…' part pages
    source = site / page_path("https://w3id.org/tradekg/id/source/2025-11-03-site-test-hostile")
    assert "<blockquote>" in source.read_text(encoding="utf-8")


def test_a_thing_its_note_leaves_unnamed_is_titled_by_its_generated_label(site: Path) -> None:
    iri = "https://w3id.org/tradekg/id/commitment/vnm-usa-increase-imports-2025-10"
    text = (site / page_path(iri)).read_text(encoding="utf-8")
    title = re.search(r"<h1>([^<]*)</h1>", text)
    assert title is not None, text[:500]
    assert title.group(1).startswith("Viet Nam → United States of America: "), title.group(1)
    assert "vnm-usa-increase-imports-2025-10" in text  # the id is still on the page


def test_malaysia_has_its_tariff_chart_with_the_quote_one_click_away(site: Path) -> None:
    page = site / "state" / "MYS.html"
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "tariff rate (%)" in html
    assert "19 %" in html and "maintained" in html
    measure = re.search(r'href="\.\./(tariff-measure/us-tariff-mys-19[^"]*)"', html)
    assert measure is not None
    quote = (site / measure.group(1)).read_text(encoding="utf-8")
    assert "Washington maintained a 19% tariff on exports from Malaysia" in quote
    assert 'href="../source/' in quote


def test_an_agreement_shows_its_lifecycle_as_a_timeline(site: Path) -> None:
    page = site / "agreement" / "us-chn-rare-earth-agreement-2025-06.html"
    html = page.read_text(encoding="utf-8")
    assert '<ol class="timeline">' in html
    assert "2025-06-26 – 2025-06-27" in html and "concluded" in html


def test_a_source_page_lists_every_fact_it_states_with_its_quote(project: Path, site: Path) -> None:
    for source in things(project, "SourceDocument"):
        html = (site / page_path(source)).read_text(encoding="utf-8")
        assert "Every fact it states" in html
        assert "<blockquote>" in html


def test_conflicting_statistics_are_side_by_side(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<div class="pair">' in index
    assert "123,500,000,000" in index.replace("-", "") and "123,000,000,000" in index


def test_the_extension_shows_up_with_no_python(site: Path) -> None:
    page = site / page_path(PLEDGE)
    html = page.read_text(encoding="utf-8")
    assert "Investment pledge" in html and "investment amount" in html
    assert "550,000,000,000" in html
    assert (site / class_path(TKG + "InvestmentPledge")).is_file()


def test_search_index_is_a_script_naming_every_page(site: Path) -> None:
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("window.TRADEKG_INDEX = ")
    rows = json.loads(text[len("window.TRADEKG_INDEX = ") :].rstrip().rstrip(";"))
    paths = {row[1] for row in rows}
    assert "state/MYS.html" in paths
    assert all((site / p).is_file() for p in paths)
    assert ["Malaysia", "state/MYS.html"] in [row[:2] for row in rows]
    viet_nam = next(row for row in rows if row[1] == "state/VNM.html")
    assert {"vietnam", "vn", "704"} <= set(viet_nam[3].split("|"))
    # the id is not repeated: the search reads it from the page's file name (state/VNM.html)
    assert "vnm" not in viet_nam[3].split("|")


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_graph_same_site_and_the_swap_leaves_nothing_behind(project: Path, site: Path) -> None:
    before = digest(site)
    invoke("site", "--project", str(project))
    assert digest(site) == before
    leftovers = [p.name for p in site.parent.iterdir() if p.name.startswith(".site")]
    assert not leftovers


def test_without_a_build_it_says_to_build(repo_root: Path, tmp_path: Path) -> None:
    copy_seed_project(tmp_path, parts=("ontology",), repo_root=repo_root)
    result = CliRunner().invoke(main, ["site", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "tradekg build" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "dist" / "site").exists()


# ------------------------------------------------------------------ a real browser

#: Hosts Chromium itself calls (updates, clock, accounts); anything else came from a page.
BROWSER_OWN_HOSTS = re.compile(
    r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gstatic\.com)[:/]"
)


def chromium(profile: Path, *args: str) -> bytes:
    """Run headless Chromium with its own profile and no network; its standard output."""
    assert BROWSER is not None
    return subprocess.run(
        chromium_command(profile, *args),
        check=True,
        capture_output=True,
        timeout=180,
    ).stdout


def screenshot(page: Path, png: Path, profile: Path, netlog: Path) -> None:
    chromium(
        profile,
        f"--log-net-log={netlog}",
        f"--screenshot={png}",
        "--window-size=1280,1600",
        page.as_uri(),
    )


@pytest.mark.requires("chromium")
@pytest.mark.parametrize(
    "relative",
    ["index.html", "state/MYS.html", "agreement/us-mys-reciprocal-trade-2025.html"],
)
def test_chromium_renders_the_page_offline(site: Path, tmp_path: Path, relative: str) -> None:
    from PIL import Image

    png = tmp_path / "page.png"
    netlog = tmp_path / "net.json"
    screenshot(site / relative, png, tmp_path / "profile", netlog)
    assert png.stat().st_size > 20_000
    with Image.open(png) as image:
        assert image.size == (1280, 1600)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # not blank: text, badges, a chart
    urls = set(re.findall(r'"url":"([^"]+)"', netlog.read_text(encoding="utf-8", errors="replace")))
    from_pages = [u for u in urls if re.match(r"^https?:", u) and not BROWSER_OWN_HOSTS.match(u)]
    assert not from_pages


@pytest.mark.requires("chromium")
def test_search_finds_a_party_in_the_browser(site: Path, tmp_path: Path) -> None:
    answer = chromium(
        tmp_path / "profile", "--dump-dom", (site / "index.html").as_uri() + "?q=malaysia"
    ).decode("utf-8")
    results = answer.split('<ul id="results">', 1)[1].split("</ul>", 1)[0]
    assert 'href="state/MYS.html">Malaysia</a>' in results
    assert SCRIPT_LABEL not in results  # the hostile label is not a match, and never markup


def first_results(site: Path, profile: Path, query: str, count: int = 1) -> list[str]:
    """The first ``count`` result links (path, text) the page lists for ``?q=query``."""
    url = (site / "index.html").as_uri() + "?q=" + urllib.parse.quote(query)
    answer = chromium(profile, "--dump-dom", url).decode("utf-8")
    results = answer.split('<ul id="results">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)">', results)[:count]


@pytest.mark.requires("chromium")
@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("vietnam", "state/VNM.html"),  # an alternative label
        ("south korea", "state/KOR.html"),  # the Republic of Korea's alternative label
        ("usa", "state/USA.html"),  # an ISO code and id, among ids that start with usa-
        ("Viet", "state/VNM.html"),  # a prefix, before names with it as a later word
        ("VIỆT-NAM", "state/VNM.html"),  # case, accents and punctuation folded
    ],
)
def test_search_ranks_the_thing_called_so_first(
    site: Path, tmp_path: Path, query: str, path: str
) -> None:
    assert first_results(site, tmp_path / "profile", query) == [path]


@pytest.mark.requires("chromium")
def test_search_matches_whole_words_only(site: Path, tmp_path: Path) -> None:
    """ "ore" is the start of no word of "Singapore" nor "Korea": neither is found by it."""
    found = first_results(site, tmp_path / "profile", "ore", count=60)
    assert "state/SGP.html" not in found and "state/KOR.html" not in found


def test_it_will_not_replace_a_folder_that_is_not_a_site(project: Path, tmp_path: Path) -> None:
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter-1.md").write_text("months of work", encoding="utf-8")
    for target in (precious, project):
        result = CliRunner().invoke(main, ["site", "--project", str(project), "--out", str(target)])
        assert result.exit_code == 2, result.output
        assert "will not write the site there" in result.output
    assert (precious / "chapter-1.md").read_text(encoding="utf-8") == "months of work"
    assert (project / "ontology").is_dir()


# ---------------------------------------------------------------- the saved queries' pages


def test_every_saved_query_has_a_page_listed_in_the_index(project: Path, site: Path) -> None:
    from loader.project import Project
    from loader.query.saved import load_saved_queries

    queries = load_saved_queries(Project.at(project))
    assert queries
    index = (site / "query" / "index.html").read_text(encoding="utf-8")
    for query in queries:
        page = site / "query" / f"{query.name}.html"
        text = page.read_text(encoding="utf-8")
        assert f'href="{query.name}.html"' in index
        assert escape(query.summary or query.name) in text
        assert escape(query.body.strip().splitlines()[-1]) in text  # the SPARQL is shown
        assert f"tradekg query {query.name}" in text and f"/api/{query.name}" in text
    assert 'href="../query/index.html"' in (site / "state" / "MYS.html").read_text("utf-8")


def test_a_query_page_shows_the_default_answer_as_the_cli_gives_it(
    project: Path, site: Path
) -> None:
    from loader.api import open_project, run_query

    rows = run_query(open_project(project), "tariffs-at-or-above-rate")  # the defaults
    page = (site / "query" / "tariffs-at-or-above-rate.html").read_text(encoding="utf-8")
    table = page.split("<h2>Answer with the defaults</h2>", 1)[1].split("<h2>", 1)[0]
    assert table.count("<tr>") == len(rows) + 1  # the heading row
    assert f"{len(rows)} rows" in table
    assert "19 %" in table  # the rate with its unit, as the CLI prints it
    targets = {row["target"].value for row in rows if row["target"] is not None}  # type: ignore[union-attr]
    for iri in targets:
        assert f'href="../{page_path(iri)}"' in table


def test_a_query_whose_parameter_has_no_default_says_how_to_run_it(site: Path) -> None:
    from loader.project import Project
    from loader.query.saved import load_saved_queries

    needing = [
        q
        for q in load_saved_queries(Project.at(site.parent.parent))
        if any(spec.required for spec in q.params.values())
    ]
    for query in needing:
        text = (site / "query" / f"{query.name}.html").read_text(encoding="utf-8")
        assert "Not run here" in text


@pytest.mark.requires("chromium")
def test_answer_tables_sort_and_filter_in_the_browser(site: Path, tmp_path: Path) -> None:
    from browser_support import Browser

    url = (site / "query" / "tariffs-at-or-above-rate.html").as_uri()
    with Browser(tmp_path / "profile") as browser:
        browser.open(url)
        browser.wait_for("document.querySelector('input.filter') !== null")
        column = browser.evaluate(
            "Array.from(document.querySelectorAll('table.sortable')[1].tHead.rows[0].cells)"
            ".findIndex(c => c.textContent.trim() === 'target')"
        )
        assert column >= 0
        cells = (
            "Array.from(document.querySelectorAll('table.sortable')[1].tBodies[0].rows)"
            f".filter(r => !r.hidden).map(r => r.cells[{column}].textContent.trim())"
        )
        before = browser.evaluate(cells)
        browser.evaluate(
            f"document.querySelectorAll('table.sortable')[1].tHead.rows[0].cells[{column}].click()"
        )
        assert browser.evaluate(cells) == sorted(before, key=str.lower)
        browser.evaluate(
            f"document.querySelectorAll('table.sortable')[1].tHead.rows[0].cells[{column}].click()"
        )
        assert browser.evaluate(cells) == sorted(before, key=str.lower, reverse=True)
        browser.evaluate(
            "const box = document.querySelector('input.filter'); box.value = 'malaysia';"
            "box.dispatchEvent(new Event('input'))"
        )
        assert browser.evaluate(cells) == ["Malaysia"]


def test_external_identifiers_are_links_out(site: Path) -> None:
    page = (site / "state" / "VNM.html").read_text(encoding="utf-8")
    assert (
        '<a class="external" href="http://www.wikidata.org/entity/Q881" '
        'rel="external noopener">Wikidata Q881</a>'
    ) in page


def test_a_measure_page_gives_the_rate_with_its_unit(site: Path) -> None:
    page = site / page_path("https://w3id.org/tradekg/id/tariff-measure/us-tariff-mys-19-2025-10")
    assert "<th>rate</th><td>19 %</td>" in page.read_text(encoding="utf-8")


def test_a_class_listing_has_the_columns_its_things_state(site: Path) -> None:
    page = (site / class_path(TKG + "TariffMeasure")).read_text(encoding="utf-8")
    head = page.split("<table", 1)[1].split("</tr>", 1)[0]
    for heading in ("name", "imposed by", "applies to", "rate", "measure status", "source"):
        assert f"<th>{heading}</th>" in head, head
    row = next(r for r in page.split("<tr>") if "us-tariff-mys-19-2025-10" in r)
    assert "19&nbsp;%" in row and ">Malaysia</a>" in row and "United States of America" in row
    assert 'class="sortable"' in page


def test_every_page_has_its_things_data_as_json_ld(project: Path, site: Path) -> None:
    """Read back with rdflib's JSON-LD parser: the thing's own triples in the store, each once
    (blank nodes and triple terms aside)."""
    import rdflib

    store = ox.Store.read_only(str(project / "dist" / "store"))
    checked = 0
    for iri in (
        "https://w3id.org/tradekg/id/state/VNM",
        "https://w3id.org/tradekg/id/tariff-measure/us-tariff-mys-19-2025-10",
        "https://w3id.org/tradekg/id/agreement/us-mys-reciprocal-trade-2025",
    ):
        page = site / page_path(iri)
        assert f'href="{page.stem}.jsonld"' in page.read_text(encoding="utf-8")
        graph = rdflib.Graph().parse(page.with_suffix(".jsonld"), format="json-ld")
        expected = {
            (q.predicate.value, str(q.object.value), getattr(q.object, "language", None) or "")
            for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)
            if isinstance(q.object, ox.NamedNode | ox.Literal)
        }
        found = {
            (str(p), str(o), (o.language or "") if isinstance(o, rdflib.Literal) else "")
            for s, p, o in graph
        }
        assert {str(s) for s in graph.subjects()} == {iri}
        assert found == expected
        checked += 1
    assert checked == 3
    assert (
        len(list(site.rglob("*.jsonld")))
        == len(list(site.rglob("*.html")))
        - len(list((site / "class").glob("*.html")))
        - len(list((site / "query").glob("*.html")))
        - 1
    )  # index.html


def test_each_chart_point_links_to_its_measure_with_a_tooltip(site: Path) -> None:
    page = site / "state" / "MYS.html"
    chart = page.read_text(encoding="utf-8").split('<div class="chart">', 1)[1].split("</svg>")[0]
    points = re.findall(r'<a xlink:href="([^"]+)"><title>([^<]+)</title>', chart)
    assert points and 'target="_blank"' not in chart
    for target, title in points:
        assert (page.parent / target).resolve().is_file(), target
        assert re.search(r": \d+(\.\d+)? % (on|by) .+, \d{4}-\d{2}-\d{2}$", title), title
    assert any("19 % by United States of America" in title for _, title in points)


def test_a_party_page_lists_its_partners_counted_by_kind(project: Path, site: Path) -> None:
    page = (site / "state" / "MYS.html").read_text(encoding="utf-8")
    section = page.split("<h2>Partners (", 1)[1].split("<h2>", 1)[0]
    row = next(r for r in section.split("<tr>") if ">United States of America</a>" in r)
    cells = [int(c.replace(",", "")) for c in re.findall(r'<td class="num">([\d,]+)</td>', row)]
    *kinds, total = cells
    assert total == sum(kinds) > 0
    store = ox.Store.read_only(str(project / "dist" / "store"))
    faced = store.query(
        f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
          ?m <{TKG}appliesTo> <https://w3id.org/tradekg/id/state/MYS> ;
             <{TKG}imposedBy> <https://w3id.org/tradekg/id/state/USA> }}""",
        use_default_graph_as_union=True,
    )
    assert isinstance(faced, ox.QuerySolutions)
    assert kinds[1] == int(next(iter(faced))["n"].value)  # type: ignore[union-attr]


def test_a_party_page_lists_its_tariffs_and_agreements_once(site: Path) -> None:
    page = (site / "state" / "MYS.html").read_text(encoding="utf-8")
    above, pointing = page.split("<h2>What points at it</h2>", 1)
    assert 'href="../tariff-measure/us-tariff-mys-19-2025-10.html"' in above
    assert 'href="../agreement/us-mys-reciprocal-trade-2025.html"' in above
    assert "tariff-measure/" not in pointing and "agreement/" not in pointing
