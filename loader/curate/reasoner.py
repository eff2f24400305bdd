"""Logical consistency and unsatisfiable classes, decided by a real OWL 2 reasoner (HermiT).

HermiT ships inside owlready2 and runs on Java. owlready2 cannot read Turtle, so the triples
are handed over as N-Triples, the ``owl:Ontology`` header included (its creator is an agent,
as ``dcterms:creator``, an object property, requires). One adjustment keeps HermiT to what it
can decide: HermiT runs with ``--ignoreUnsupportedDatatypes``, because ``xsd:date``,
``xsd:gYear`` and ``xsd:gYearMonth`` (the parts of ``tkg:dateOrPeriod``) are outside the OWL 2
datatype map, so date values are not reasoned about (SHACL checks them instead).

When the reasoner cannot run (no Java, no owlready2, a Java error), :class:`ReasonerUnavailable`
says why; the caller reports it as a failed check, never as a pass.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.namespaces import OWL

_NOTHING = OWL + "Nothing"


class ReasonerUnavailable(Exception):
    """HermiT could not be run; the message says why (missing Java or owlready2, Java error)."""


@dataclass
class Reasoning:
    """What the reasoner concluded."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)


def reason(triples: Sequence[ox.Triple]) -> Reasoning:
    """Classify ``triples`` (TBox and any ABox) with HermiT.

    Raises:
        ReasonerUnavailable: Java or owlready2 is missing, or HermiT failed for another reason.
    """
    java = shutil.which("java")
    if java is None:
        raise ReasonerUnavailable(
            "no 'java' on PATH: HermiT needs Java 11+ "
            "(Debian: apt-get install default-jre-headless)"
        )
    try:
        import owlready2
    except ImportError as error:
        raise ReasonerUnavailable(
            f"owlready2 is not installed ({error}): pip install owlready2"
        ) from error

    owlready2.JAVA_EXE = java
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    world = owlready2.World()
    try:
        world.get_ontology("urn:tradekg:qc:reasoning").load(
            fileobj=io.BytesIO(data or b""), format="ntriples"
        )
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
    except owlready2.OwlReadyInconsistentOntologyError:
        return Reasoning(consistent=False)
    except owlready2.OwlReadyJavaError as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        reason_text = next((line for line in lines if "Exception" in line), lines[-1])
        raise ReasonerUnavailable(f"HermiT failed: {reason_text.strip()}") from error
    except OSError as error:
        raise ReasonerUnavailable(f"could not start Java: {error}") from error
    unsatisfiable = sorted(cls.iri for cls in world.inconsistent_classes() if cls.iri != _NOTHING)
    world.close()
    return Reasoning(consistent=True, unsatisfiable=unsatisfiable)


def inconsistent_groups(
    tbox: Sequence[ox.Triple], groups: dict[str, list[ox.Triple]]
) -> list[list[str]]:
    """The smallest sets of groups (notes) found to make ``tbox`` inconsistent, by bisection.

    A group that is inconsistent alone is returned alone; when only a combination of groups is
    (one note types an id as an Agreement, another as a Commitment), the combination is.

    Raises:
        ReasonerUnavailable: see :func:`reason`.
    """

    def consistent(keys: list[str]) -> bool:
        triples = list(tbox)
        for key in keys:
            triples.extend(groups[key])
        return reason(triples).consistent

    def search(keys: list[str]) -> list[list[str]]:
        if consistent(keys):
            return []
        if len(keys) == 1:
            return [keys]
        middle = len(keys) // 2
        found = search(keys[:middle]) + search(keys[middle:])
        return found or [keys]

    return search(sorted(groups))
