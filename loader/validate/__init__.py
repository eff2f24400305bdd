"""Stage 3, validate: the mapped dataset → problems in the note author's words.

Takes an :class:`~loader.graph.Assembled` dataset and ``shapes/*.ttl``; gives a
:class:`ValidationReport` whose problems point at note file and line. Two engines give the
same results: the fast one compiles our SHACL-core subset to set-oriented SPARQL, pySHACL is
the reference.

- :mod:`loader.validate.shapes` — shapes files → rules;
- :mod:`loader.validate.scope` — which triples a run needs (checked notes + context);
- :mod:`loader.validate.fast_engine` / :mod:`loader.validate.pyshacl_engine` — the engines;
- :mod:`loader.validate.results` — one comparable result type for both engines;
- :mod:`loader.validate.validator` — :func:`validate`, the entry point.
"""

from loader.validate.validator import ENGINES, ValidationFailed, ValidationReport, validate

__all__ = ["ENGINES", "ValidationFailed", "ValidationReport", "validate"]
