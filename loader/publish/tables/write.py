"""``tradekg export``: the tables and their data package, written whole or not at all.

The export is written into a folder beside its target and swapped in by renames
(:func:`loader.files.replace_dir`), so a failure leaves the previous export as it was. Rows
are in id order and nothing in the files depends on the time or the machine, so two exports
of the same build are byte-identical.
"""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from loader.files import beside, remove_killed, replace_dir, writing
from loader.problems import InputError, Problem
from loader.project import Project
from loader.publish.tables.model import Cell, Table, read_tables
from loader.publish.tables.package import FORMATS, descriptor, read_about, to_json

#: What to install for data frames and Parquet.
EXTRA_HINT = "pip install 'tradekg[tables]'"
PACKAGE_FILE = "datapackage.json"
#: The export is written into ``.tables.writing-PID`` beside it (see loader.files.beside).
TEMP_TAG = "writing"


@dataclass(frozen=True)
class ExportResult:
    """Where the export went and how big it is."""

    out_dir: Path
    format: str
    tables: int
    rows: int
    bytes: int
    seconds: float


def export_tables(
    project: Project, out_dir: Path | None = None, *, fmt: str = "csv"
) -> ExportResult:
    """Write every table of the build and ``datapackage.json`` into ``out_dir``.

    ``out_dir`` defaults to ``dist/tables/`` (which the next ``tradekg build`` replaces with
    the rest of ``dist/``).

    Raises:
        InputError: no build, an unknown format, Parquet without pyarrow, or ``out_dir`` is a
            folder that holds something other than an export (nothing written), or the disk
            is full or the folder cannot be written (the previous export is kept).
    """
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise InputError(
            [Problem("unknown-format", f"unknown format '{fmt}'", hint="use csv or parquet")]
        )
    if fmt == "parquet":
        require("pyarrow", "--format parquet")
    target = (out_dir or project.dist_dir / "tables").resolve()
    _check_target(target, project)
    from loader.query import open_store
    from loader.query.params import build_ids

    store = open_store(project.store_dir)
    tables = read_tables(store, build_ids(project.dist_dir))
    package = descriptor(tables, read_about(store), fmt)
    temp = beside(target, TEMP_TAG)
    with writing(target, elsewhere="write the tables elsewhere with --out DIR"):
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_killed(target, TEMP_TAG)
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir()
        try:
            for table in tables:
                path = temp / f"{table.name}.{FORMATS[fmt].extension}"
                if fmt == "csv":
                    write_csv(table, path)
                else:
                    write_parquet(table, path)
            (temp / PACKAGE_FILE).write_text(to_json(package), encoding="utf-8")
            size = sum(path.stat().st_size for path in temp.iterdir())
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        replace_dir(temp, target)
    return ExportResult(
        target,
        fmt,
        len(tables),
        sum(len(table.rows) for table in tables),
        size,
        time.perf_counter() - started,
    )


def require(module: str, feature: str) -> Any:
    """Import an optional dependency, or say which extra installs it.

    Raises:
        InputError: the module is not installed (code ``missing-extra``).
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise InputError(
            [
                Problem(
                    "missing-extra",
                    f"{feature} needs {module}, which is not installed",
                    hint=EXTRA_HINT,
                )
            ]
        ) from error


def cell_text(cell: Cell) -> str:
    """A cell as CSV text: numbers without exponent or trailing zeros, true/false, empty."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, Decimal):
        text = format(cell.normalize(), "f")
        return "0" if text in ("-0", "") else text
    return str(cell)


def write_csv(table: Table, path: Path) -> None:
    """RFC 4180 CSV in UTF-8 with a header row (the dialect the descriptor states)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([field.name for field in table.fields])
        for row in table.rows:
            writer.writerow([cell_text(cell) for cell in row])


def write_parquet(table: Table, path: Path) -> None:
    """Parquet with typed columns: numbers as float64, whole numbers as int64, dates as text."""
    pa = require("pyarrow", "--format parquet")
    pq = require("pyarrow.parquet", "--format parquet")
    arrays = []
    for index, field in enumerate(table.fields):
        cells = [row[index] for row in table.rows]
        arrays.append(pa.array(_arrow_values(cells, field.type), type=_arrow_type(pa, field.type)))
    names = [field.name for field in table.fields]
    pq.write_table(pa.Table.from_arrays(arrays, names=names), str(path))


def _arrow_type(pa: Any, kind: str) -> Any:
    types = {"number": pa.float64(), "integer": pa.int64(), "boolean": pa.bool_()}
    return types.get(kind, pa.string())


def _arrow_values(cells: Sequence[Cell], kind: str) -> list[object]:
    if kind == "number":
        return [None if c is None else float(c) for c in cells]
    if kind in ("integer", "boolean"):
        return list(cells)
    return [None if c is None else cell_text(c) for c in cells]


def _check_target(target: Path, project: Project) -> None:
    """Refuse to replace a file or a folder that is not an earlier export."""
    if not target.exists():
        return
    shown = project.rel(target)
    if not target.is_dir():
        problem = f"{shown} is a file, not a folder"
    elif any(target.iterdir()) and not (target / PACKAGE_FILE).is_file():
        problem = f"{shown} holds files but no {PACKAGE_FILE}: it is not an earlier export"
    else:
        return
    raise InputError(
        [Problem("export-target", problem, hint="name a new or empty folder with --out")]
    )
