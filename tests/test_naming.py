"""The naming rules of loader.graph.naming, on real pyoxigraph terms."""

from __future__ import annotations

import pyoxigraph as ox

from loader.graph.naming import generated_label, shown_date
from loader.namespaces import RDFS, SCHEMA, TKG, XSD

NAMES = {
    "id/VNM": "Viet Nam",
    "id/USA": "United States",
    "id/deal": "US–Viet Nam agreement",
    "id/lutnick": "Howard Lutnick",
    TKG + "commitment-type-market-access": "market access",
    TKG + "agreement-stage-signed": "signed",
    TKG + "claim-status-expected": "expected",
    TKG + "claim-status-reported": "reported",
    TKG + "statistic-kind-trade-balance": "trade balance",
    TKG + "unit-usd": "US dollar",
}


def label(cls: str, values: dict[str, list[ox.NamedNode | ox.Literal]], **kw: str) -> str | None:
    return generated_label(
        [TKG + cls],
        values,
        name=lambda n: NAMES.get(n.value, n.value),
        notation=lambda n: "USD" if n.value == TKG + "unit-usd" else n.value,
        class_label=lambda c: {TKG + "Event": "event"}.get(c),
        when=kw.get("when"),
    )


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri if iri.startswith("http") else "http://x/" + iri)


NAMES.update({"http://x/" + k: v for k, v in list(NAMES.items()) if not k.startswith("http")})


def test_a_commitment_reads_obligor_to_beneficiary_with_the_source_date() -> None:
    values = {
        TKG + "obligor": [n("id/VNM")],
        TKG + "beneficiary": [n("id/USA")],
        TKG + "commitmentType": [n(TKG + "commitment-type-market-access")],
    }
    assert label("Commitment", values, when="Oct 2025") == (
        "Viet Nam → United States: market access (Oct 2025)"
    )


def test_a_mutual_commitment_has_no_party_as_its_own_beneficiary() -> None:
    both = [n("id/VNM"), n("id/USA")]
    values = {TKG + "obligor": both, TKG + "beneficiary": both}
    text = label("Commitment", values)
    assert text == "Viet Nam and United States (mutual): commitment"
    assert "→" not in (text or "")


def test_a_statistic_gives_its_amount_with_unit() -> None:
    values = {
        TKG + "statisticKind": [n(TKG + "statistic-kind-trade-balance")],
        TKG + "reporter": [n("id/USA")],
        TKG + "partner": [n("id/VNM")],
        TKG + "referencePeriod": [ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear"))],
        SCHEMA + "value": [ox.Literal("-123500000000", datatype=ox.NamedNode(XSD + "decimal"))],
        TKG + "unit": [n(TKG + "unit-usd")],
    }
    assert label("Statistic", values) == (
        "United States trade balance with Viet Nam, 2024: USD -123.5 bn"
    )


def test_an_expected_step_says_so() -> None:
    values = {
        TKG + "ofAgreement": [n("id/deal")],
        TKG + "stage": [n(TKG + "agreement-stage-signed")],
        TKG + "claimStatus": [n(TKG + "claim-status-expected")],
    }
    assert label("LifecycleStep", values, when="Jun 2025") == (
        "US–Viet Nam agreement: signed (expected, as of Jun 2025)"
    )


def test_a_role_names_holder_title_and_where() -> None:
    values = {
        TKG + "holder": [n("id/lutnick")],
        TKG + "roleTitle": [ox.Literal("Commerce Secretary")],
        TKG + "roleIn": [n("id/USA")],
    }
    assert label("Role", values) == "Howard Lutnick, Commerce Secretary (United States)"


def test_a_label_the_note_gives_is_never_replaced() -> None:
    values = {RDFS + "label": [ox.Literal("Given")], TKG + "holder": [n("id/lutnick")]}
    assert label("Role", values) is None


def test_a_class_with_no_rule_gets_its_label_and_key_values() -> None:
    values = {
        TKG + "organiser": [n("id/USA")],
        TKG + "onDate": [ox.Literal("2025-06-12", datatype=ox.NamedNode(XSD + "date"))],
    }
    assert label("Event", values) == "Event: United States, 12 Jun 2025"


def test_dates_keep_their_precision() -> None:
    assert [shown_date(d) for d in ("2025-06-25", "2025-06", "2025")] == [
        "25 Jun 2025",
        "Jun 2025",
        "2025",
    ]
