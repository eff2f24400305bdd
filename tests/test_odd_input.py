"""Odd but possible input: an id longer than a file name may be, digits of other scripts.

An id of 251 characters is a valid id; its page in the site must still be writable (its
file name is cut and hashed). A numeric parameter written with Arabic-Indic or full-width
digits is no xsd:decimal: it is refused with the message, not run to answer nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from note_support import built_with, run
from seed_project import copy_seed_project

from loader.publish.site.paths import page_path

LONG_ID = "usa-" + "very-long-" * 24 + "pledge"  # 250 characters
NOTE = f"""\
source:
  title: "A wire with a very long id"
  issued: 2025-11-06
  documentKind: news-article
statements:
  - a: Commitment
    id: {LONG_ID}
    obligor: USA
    beneficiary: MYS
    commitmentType: market-access
    commitmentStatus: pledged
    claimStatus: reported
    evidence: "the United States pledged market access"
"""


def test_a_thing_with_a_very_long_id_gets_its_page(tmp_path: Path) -> None:
    assert len(LONG_ID) > 240
    project = built_with(tmp_path / "project", NOTE, "data/notes/2025/2025-11-06-long-id.yaml")
    site = run(project, "site")
    assert site.exit_code == 0, site.output
    page = (
        project / "dist" / "site" / page_path(f"https://w3id.org/tradekg/id/commitment/{LONG_ID}")
    )
    assert len(page.name.encode()) < 255
    assert "the United States pledged market access" in page.read_text(encoding="utf-8")
    assert page.with_suffix(".jsonld").is_file()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_seed_project(tmp_path_factory.mktemp("odd-digits"))
    result = run(project, "build", "--quiet")
    assert result.exit_code == 0, result.output
    return project


@pytest.mark.parametrize("rate", ["١٩", "１９", "۱۹"])
def test_digits_of_other_scripts_are_no_decimal(built: Path, rate: str) -> None:
    result = run(built, "query", "tariffs-at-or-above-rate", "--param", f"rate={rate}")
    assert result.exit_code == 2
    assert "is not a decimal number" in result.output


def test_a_date_parameter_takes_the_precision_notes_write(built: Path) -> None:
    """``date=2025-10`` is the end of October, ``date=2025`` the end of 2025."""
    from loader.api import open_project, run_query

    project = open_project(built)

    def measures(date: str) -> list[str]:
        rows = run_query(project, "tariff-in-effect-on-date", state="VNM", date=date)
        return sorted(str(row["measure"].value) for row in rows)  # type: ignore[union-attr]

    assert measures("2025-10") == measures("2025-10-31")
    assert measures("2025") == measures("2025-12-31")
    assert measures("2025-10")  # the seeds' 20 % tariff on Viet Nam, in effect in October
