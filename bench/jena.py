"""Apache Jena SHACL as the strong peer of ``tradekg validate``, on the same data and shapes.

The scope is the one tests/test_shacl_jena.py gives Jena: the data shapes on the data scope
of every note (the notes' validated triples, the ontology, and the context they reach), and
the ontology shapes on the ontology alone. Those inputs are written by a child process
(``python -m bench.jena PROJECT OUT``: it assembles the notes, which the benchmark's own
process must not hold in memory); Jena's time is its two ``shacl validate`` runs, each a
fresh JVM as a person would run it, and the writing of its inputs is reported apart.

Debian's ``libapache-jena-java`` crashes at start from misplaced Xerces message files; as
in the test, ``org/apache/jena/ext/xerces/*`` of jena-core.jar is copied into a jar as
``xerces/…`` put first on the classpath.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

from bench.processes import run_child

#: Where Debian installs the jars (``default-jre-headless libapache-jena-java``).
JAVA_DIR = Path("/usr/share/java")
#: Logging bindings that clash with each other on a classpath of every jar in JAVA_DIR.
CLASHING = ("log4j-over-slf4j", "slf4j-log4j12", "slf4j-jdk14", "slf4j-simple", "slf4j-nop")
#: The two runs, each a folder of the inputs with ``data.nt`` and ``shapes.ttl``.
RUNS = ("data", "ontology")


def missing() -> str | None:
    """Why Jena cannot run here, or None when java and the jars are installed."""
    if shutil.which("java") is None:
        return "no `java` on PATH (Debian: default-jre-headless)"
    for jar in ("jena-shacl.jar", "jena-core.jar"):
        if not (JAVA_DIR / jar).is_file():
            return f"no {JAVA_DIR / jar} (Debian: libapache-jena-java)"
    return None


def classpath(work: Path) -> str:
    """Every jar of JAVA_DIR but the clashing loggers, after a jar of Jena's Xerces fix."""
    fix = work / "xerces-fix.jar"
    prefix = "org/apache/jena/ext/"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as core, zipfile.ZipFile(fix, "w") as out:
        for name in core.namelist():
            if name.startswith(prefix + "xerces/") and not name.endswith("/"):
                out.writestr(name[len(prefix) :], core.read(name))
    jars = [str(p) for p in sorted(JAVA_DIR.glob("*.jar")) if not p.name.startswith(CLASHING)]
    return ":".join([str(fix), *jars])


def write_inputs(project_dir: Path, out: Path) -> dict[str, Any]:
    """Write ``data/`` and ``ontology/`` (``data.nt`` and merged ``shapes.ttl`` each) for
    ``project_dir``, as the test builds them; the triples and focus nodes of each."""
    import pyoxigraph as ox
    import rdflib

    from loader.graph.assemble import assemble
    from loader.project import Project
    from loader.validate.scope import data_scope, ontology_scope

    assembled = assemble(Project.at(project_dir))
    files = assembled.project.shape_files()
    checked = {m.graph.value for m in assembled.mapped}
    scopes = {
        "data": (data_scope(assembled.parts, checked), [p for p in files if not _ontology(p)]),
        "ontology": (ontology_scope(assembled.parts), [p for p in files if _ontology(p)]),
    }
    sizes: dict[str, Any] = {}
    for name, (scope, shapes) in scopes.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        data = ox.serialize(scope.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        (folder / "data.nt").write_bytes(data)
        merged = rdflib.Graph()
        for path in shapes:
            merged.parse(path, format="turtle")
        merged.serialize(folder / "shapes.ttl", format="turtle")
        sizes[name] = {"triples": len(scope.triples), "focus": len(scope.focus)}
    return sizes


def _ontology(shape_file: Path) -> bool:
    """The ontology's shapes are the files named ``ontology*`` (as in the test)."""
    return shape_file.name.startswith("ontology")


def measure_jena(project_dir: Path, work: Path, *, timeout: float) -> dict[str, Any]:
    """Jena's ``shacl validate`` on the project's validation scope: wall time (both runs
    summed), peak memory (the larger run), and how many results it reported."""
    why = missing()
    if why is not None:
        return {"note": f"not measured: {why}"}
    work.mkdir(parents=True, exist_ok=True)
    prepared = run_child(
        [sys.executable, "-m", "bench.jena", str(project_dir), str(work)], timeout=timeout
    )
    if prepared.returncode != 0:
        return {"note": "not measured: its inputs could not be written",
                "error": prepared.stderr[-2000:]}  # fmt: skip
    found: dict[str, Any] = {
        "prepare_s": prepared.wall_s,
        "scopes": json.loads(prepared.stdout.strip().splitlines()[-1]),
    }
    path = classpath(work)
    runs: dict[str, Any] = {}
    for name in RUNS:
        folder = work / name
        args = ["java", "-cp", path, "shacl.shacl", "validate"]
        args += ["--shapes", str(folder / "shapes.ttl"), "--data", str(folder / "data.nt")]
        run = run_child(args, timeout=timeout)
        runs[name] = {
            "wall_s": run.wall_s,
            "maxrss_mb": run.maxrss_mb,
            "returncode": run.returncode,
            "results": run.stdout.count("sh:focusNode"),
        }
        if run.timed_out or run.returncode != 0:
            found["runs"] = runs
            found["note"] = f"not measured: Jena's {name} run " + (
                f"did not finish in {timeout:.0f} s" if run.timed_out else "failed"
            )
            found["error"] = run.stderr[-2000:]
            return found
    found["runs"] = runs
    found["wall_s"] = sum(r["wall_s"] for r in runs.values())
    found["maxrss_mb"] = max(r["maxrss_mb"] for r in runs.values())
    found["results"] = sum(r["results"] for r in runs.values())
    return found


def main(argv: list[str]) -> int:
    """``python -m bench.jena PROJECT OUT``: write Jena's inputs, print their sizes as JSON."""
    project_dir, out = (Path(a) for a in argv)
    print(json.dumps(write_inputs(project_dir, out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
