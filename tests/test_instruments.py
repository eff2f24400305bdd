"""The shapes of ``shapes/instruments-shapes.ttl`` catch misuse of the trade instruments.

A note the test writes misuses each instrument once (an assistance with no provider and no
kind, two directions of one change, two periods of one recurring quantity, a dispute with no
sides, a complaint filed with no forum); it is added to a copy of the seed project and
validated by ``tradekg validate`` with both engines, which must report exactly those rules at
the lines of the note where they are broken, and nothing else in that note. Ranges the reader
enforces (``inResponseTo`` takes a measure) are input errors with a hint, not shape results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from seed_project import copy_seed_project

from loader.cli import main

NOTE = "data/notes/bad/instruments.yaml"
MISUSED = """\
source:
  title: "Instruments used wrongly"
  publisher: bad-instruments-wire
  issued: 2025-10-27
  documentKind: news-article
statements:
  - a: Organization
    id: bad-instruments-wire
    label: Bad Instruments Wire
    claimStatus: reported
    evidence: "Bad Instruments Wire"
  - a: Assistance
    id: bad-help
    label: Help with no provider and no kind
    claimStatus: reported
    evidence: "help was given"
  - a: Statistic
    id: bad-two-directions
    statisticKind: export-growth
    reporter: VNM
    value: 3
    unit: percent
    changeDirection: [increase, decrease]
    claimStatus: reported
    evidence: "exports rose and fell"
  - a: Statistic
    id: bad-two-periods
    statisticKind: import-volume
    reporter: VNM
    value: 10
    unit: tonne
    perPeriod: [year, month]
    claimStatus: reported
    evidence: "ten tonnes a year and a month"
  - a: TradeDispute
    id: bad-dispute
    label: A dispute with no sides
    claimStatus: reported
    evidence: "a dispute"
  - a: DisputeFiling
    id: bad-filing
    label: A complaint filed nowhere
    participant: IND
    onDate: 2025-06
    claimStatus: reported
    evidence: "a complaint was filed"
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the note")


#: Every rule the note breaks, at the line the report must give: a missing value at the
#: statement's first line, one value too many at the key's line.
EXPECTED = sorted(
    [
        ("assistance-kind", line_of(MISUSED, "- a: Assistance")),
        ("assistance-provider", line_of(MISUSED, "- a: Assistance")),
        ("change-direction", line_of(MISUSED, "changeDirection:")),
        ("per-period", line_of(MISUSED, "perPeriod:")),
        ("dispute-disputants", line_of(MISUSED, "- a: TradeDispute")),
        ("filing-forum", line_of(MISUSED, "- a: DisputeFiling")),
    ]
)


def write_note(project: Path, text: str) -> None:
    target = project / NOTE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def validate_json(project: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["validate", "--project", str(project), "--format", "json", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


@pytest.fixture(scope="module")
def misused(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_seed_project(
        tmp_path_factory.mktemp("instruments"), parts=("ontology", "shapes")
    )
    write_note(project, MISUSED)
    return project


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_each_misused_instrument_is_reported_at_its_line(misused: Path, engine: str) -> None:
    code, report = validate_json(misused, "--engine", engine)
    assert code == 1, report
    in_note = [p for p in report["problems"] if p.get("file") == NOTE]
    found = sorted((p["code"], p.get("line")) for p in in_note)
    assert found == EXPECTED
    severities = {p["code"]: p["severity"] for p in in_note}
    assert severities["filing-forum"] == "warning"
    assert severities["per-period"] == "error"
    others = [p for p in report["problems"] if p.get("file") != NOTE and p["severity"] == "error"]
    assert others == [], "the seed notes must stay free of errors"


def input_problems(project: Path, note: str) -> list[dict[str, Any]]:
    """The problems the reader reports in ``note`` (exit 2: nothing was validated)."""
    write_note(project, note)
    code, report = validate_json(project)
    assert code == 2 and report["input_error"] is True, report
    return [p for p in report["problems"] if p.get("file") == NOTE]


def test_a_measure_is_what_an_action_responds_to(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path, parts=("ontology", "shapes"))
    note = MISUSED.replace(
        "    participant: IND\n",
        "    participant: IND\n    filedWith: WTO\n    inResponseTo: VNM\n",
    )
    [problem] = input_problems(project, note)
    assert (problem["code"], problem["line"]) == ("wrong-kind", line_of(note, "inResponseTo:"))
    assert "expects a TradeMeasure" in problem["message"]
    assert problem["hint"] == "refer to a TradeMeasure here"


def test_a_period_is_one_of_the_period_words(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path, parts=("ontology", "shapes"))
    note = MISUSED.replace("perPeriod: [year, month]", "perPeriod: annually")
    [problem] = input_problems(project, note)
    assert (problem["code"], problem["line"]) == ("unknown-value", line_of(note, "perPeriod:"))
    assert "'annually' is not a value of PeriodUnit" in problem["message"]
    assert problem["hint"] == "use one of: day, month, quarter, week, year"


QUOTAS = """\
source:
  title: "A quota, a subsidy and a change"
  publisher: quota-test-wire
  issued: 2025-11-07
  documentKind: news-article
statements:
  - a: Organization
    id: quota-test-wire
    label: Quota Test Wire
    claimStatus: reported
    evidence: "Quota Test Wire"
  - a: TariffRateQuota
    id: usa-jpn-rice-quota
    imposedBy: USA
    appliesTo: JPN
    inQuotaRate: 0
    outOfQuotaRate: 25
    quotaQuantity: 100000
    unit: tonne
    perPeriod: year
    measureStatus: agreed
    productScope: selected-products
    claimStatus: reported
    evidence: "100,000 tonnes a year duty-free, 25 % beyond"
  - a: Subsidy
    id: jpn-rice-subsidy
    imposedBy: JPN
    measureStatus: in-effect
    productScope: selected-products
    claimStatus: reported
    evidence: "Japan subsidises its rice farmers"
  - a: Statistic
    id: jpn-usa-rice-exports-change
    statisticKind: export-growth
    reporter: JPN
    value: 30
    unit: percent
    changePercent: 30
    changeDirection: increase
    claimStatus: reported
    evidence: "rice exports rose 30 %"
"""


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_quotas_subsidies_and_changes_validate_and_their_misuse_is_caught(
    tmp_path: Path, engine: str
) -> None:
    project = copy_seed_project(tmp_path, parts=("ontology", "shapes"))
    write_note(project, QUOTAS)
    code, report = validate_json(project, "--engine", engine)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert code == 0 and errors == [], errors
    bad = QUOTAS.replace("outOfQuotaRate: 25", "outOfQuotaRate: -5").replace(
        "quotaQuantity: 100000", "quotaQuantity: [100000, 5]"
    )
    write_note(project, bad)
    code, report = validate_json(project, "--engine", engine)
    found = sorted((p["code"], p["line"]) for p in report["problems"] if p.get("file") == NOTE)
    assert code == 1
    assert ("quota-out-rate", line_of(bad, "outOfQuotaRate:")) in found
    assert ("quota-quantity", line_of(bad, "quotaQuantity:")) in found
