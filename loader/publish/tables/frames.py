"""Tables and query answers as pandas data frames, for notebooks.

pandas is an optional extra (``pip install 'tradekg[tables]'``): it is imported here, when a
frame is asked for, and its absence is an :class:`~loader.problems.InputError` that names
the extra. Column types follow the Table Schema of the export: numbers are ``float64``,
whole numbers the nullable ``Int64``, truth values ``boolean``, everything else text (dates
too, at the precision the source gives).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from loader.publish.tables.model import Table
from loader.publish.tables.write import cell_text, require

if TYPE_CHECKING:
    import pandas as pd

#: Table Schema type → pandas dtype (everything else is text, dtype ``object``).
DTYPES = {"number": "float64", "integer": "Int64", "boolean": "boolean"}


def table_frame(table: Table) -> pd.DataFrame:
    """One table as a data frame with typed columns, rows in id order."""
    pandas = require("pandas", "a data frame")
    data: dict[str, object] = {}
    for index, field in enumerate(table.fields):
        cells = [row[index] for row in table.rows]
        dtype = DTYPES.get(field.type)
        if dtype == "float64":
            data[field.name] = pandas.Series(
                [float("nan") if c is None else float(c) for c in cells], dtype=dtype
            )
        elif dtype is not None:
            data[field.name] = pandas.Series(cells, dtype=dtype)
        else:
            values = [None if c is None else cell_text(c) for c in cells]
            data[field.name] = pandas.Series(values, dtype="object")
    frame: pd.DataFrame = pandas.DataFrame(data, columns=[f.name for f in table.fields])
    return frame


def rows_frame(columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Rows as objects (column → JSON-like value) as a data frame with those columns."""
    pandas = require("pandas", "a data frame")
    frame: pd.DataFrame = pandas.DataFrame(
        [[row.get(name) for name in columns] for row in rows], columns=list(columns)
    )
    return frame
