"""What tests/test_site.py and tests/test_extension.py share: a copy of the project and the
investment-pledge extension of docs/EXTENDING.md (its class and amount property)."""

from __future__ import annotations

from pathlib import Path

from seed_project import copy_seed_project

PLEDGE = "https://w3id.org/tradekg/id/investment-pledge/jpn-usa-investment-2025"

#: The new class and its amount; test_extension adds the form property and its value set.
PLEDGE_ONTOLOGY = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix tkg: <https://w3id.org/tradekg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

tkg:InvestmentPledge a owl:Class ;
    rdfs:label "Investment pledge"@en ;
    skos:definition "A commitment by a party to invest an amount in another party's economy."@en ;
    rdfs:subClassOf tkg:Commitment .

tkg:investmentAmount a owl:DatatypeProperty ;
    rdfs:label "investment amount"@en ;
    skos:definition "The amount pledged, in the unit given by tkg:unit, written in full."@en ;
    rdfs:domain tkg:InvestmentPledge ;
    rdfs:range xsd:decimal .
"""


def copy_project(repo_root: Path, target: Path) -> Path:
    """The seed project (its source folders, not dist/, and the seed notes) in ``target``."""
    return copy_seed_project(target, repo_root=repo_root)
