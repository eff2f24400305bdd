"""Outputs appear whole or not at all: a folder written aside is put in place by renames.

Both ``dist/`` (the build's store) and ``dist/site/`` are written into a temporary folder
beside their target and swapped in here, so a reader never sees half of either.
:class:`Closing` is the ``with`` protocol of the objects that hold files or processes open.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Self


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target`` (same file system), removing what was there.

    The old folder is first renamed aside, so ``target`` is at every moment either the old
    folder or the new one; the old one is deleted afterwards.
    """
    if target.exists():
        retired = target.with_name(f".retired-{os.getpid()}-{target.name}")
        os.replace(target, retired)
        os.replace(new, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(new, target)


class Closing:
    """Something used in a ``with`` block: leaving the block calls :meth:`close`."""

    def close(self) -> None:
        """Release what the object holds (files, processes); safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
