"""A new copy of the site that shares the unchanged files with the old one (hard links).

An incremental run writes its few new pages into this copy and swaps it in like a full run
does, so a reader, or a run that is killed, sees the old site or the new one, never a mix.
Linking a file costs a directory entry, not its bytes. A file that is to be written again is
left out of the copy, so writing it never touches the old site's file (they share no inode).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path


def link_tree(old: Path, new: Path, leave_out: Callable[[str], bool]) -> int:
    """Hard-link every file of ``old`` into ``new`` (made here) but those whose path below
    ``old`` (with ``/``) ``leave_out`` accepts; returns how many files were linked."""
    linked = 0
    new.mkdir()
    stack = [(old, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(new / relative)
                    stack.append((Path(entry.path), relative + "/"))
                elif not leave_out(relative):
                    try:
                        os.link(entry.path, new / relative)
                    except PermissionError:  # a file system without hard links: a copy
                        shutil.copyfile(entry.path, new / relative)
                    linked += 1
    return linked
