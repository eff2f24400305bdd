"""Curation: keep the ontology, notes, shapes and queries healthy as they grow.

Takes the project's files (and the assembled dataset); gives quality-control findings
(``tradekg check``), canonical Turtle (``tradekg fmt``) and a semantic diff between two
versions with the version bump it needs (``tradekg diff``).

- :mod:`loader.curate.checks` — the QC checks: self-describing SPARQL files and a profile;
- :mod:`loader.curate.usage` — which IRIs a query or Turtle file mentions, on which line;
- :mod:`loader.curate.reasoner` — consistency and unsatisfiable classes (HermiT);
- :mod:`loader.curate.qc` — :func:`run_checks`; :mod:`loader.curate.report` prints it;
- :mod:`loader.curate.turtle` — canonical Turtle; :mod:`loader.curate.fmt` applies it;
- :mod:`loader.curate.diff` — what changed between two versions.
"""

from loader.curate.diff import compare
from loader.curate.fmt import format_files
from loader.curate.qc import QcReport, run_checks

__all__ = ["QcReport", "compare", "format_files", "run_checks"]
