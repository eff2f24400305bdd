"""Outputs appear whole or not at all: a folder written aside is put in place by renames.

Both ``dist/`` (the build's store) and ``dist/site/`` are written into a temporary folder
beside their target and swapped in here, so a reader never sees half of either.
:func:`writing` turns a full disk or a folder that cannot be written into an input error,
and :func:`remove_leftovers` deletes the temporary folders of a run that was killed.
:class:`Closing` is the ``with`` protocol of the objects that hold files or processes open.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Self

from loader.problems import InputError, Problem

#: errno values that mean "this place cannot take the output", not a bug of ours.
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)
_WORDS = {
    errno.ENOSPC: "no space left on the device that holds",
    errno.EDQUOT: "the disk quota is used up on the device that holds",
    errno.EFBIG: "a file grew past the size limit allowed (ulimit -f) while writing",
    errno.EROFS: "the file system is read-only where it would write",
    errno.EACCES: "permission denied on",
    errno.EPERM: "the operating system refuses access to",
}
#: SQLite's own codes for the same faults (it reports them without an errno).
_SQLITE_CODES = {13: errno.ENOSPC, 8: errno.EROFS}  # SQLITE_FULL, SQLITE_READONLY


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


def replace_files(pairs: list[tuple[Path, Path]]) -> None:
    """``os.replace`` each (new, target), handing the freeing of the replaced files' blocks to
    a background thread: replacing a file of a gigabyte frees it in the kernel before the
    call returns (about a second here), time the build can spend on its next stage instead.
    The old file is held open across the rename, so the rename only drops its name; its
    blocks go when that thread closes it (the interpreter waits for it before exiting).
    """
    held: list[int] = []
    try:
        for new, target in pairs:
            with suppress(OSError):  # nothing there yet (or unreadable): nothing to free
                held.append(os.open(target, os.O_RDONLY))
            os.replace(new, target)
    finally:
        if held:
            threading.Thread(target=_close_all, args=(held,), name="free-replaced").start()


def _close_all(descriptors: list[int]) -> None:
    for descriptor in descriptors:
        os.close(descriptor)


class Closing:
    """Something used in a ``with`` block: leaving the block calls :meth:`close`."""

    def close(self) -> None:
        """Release what the object holds (files, processes); safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_fault(error: BaseException) -> int | None:
    """The errno of a full disk or unwritable folder behind ``error``, else None.

    RocksDB (the store) reports its faults as an ``OSError`` without errno, in words, and
    SQLite with its own codes: both are recognised too.
    """
    if isinstance(error, sqlite3.Error):
        return _SQLITE_CODES.get(getattr(error, "sqlite_errorcode", -1))
    if not isinstance(error, OSError):
        return None
    if error.errno is not None:
        return error.errno if error.errno in _WORDS else None
    text = str(error)
    return next((code for code in _WORDS if os.strerror(code) in text), None)


@contextmanager
def writing(target: Path, *, elsewhere: str) -> Iterator[None]:
    """Turn a full disk or an unwritable folder met in the block into one :class:`InputError`.

    ``target`` is what the command writes (named in the message when the error has no file
    name); ``elsewhere`` says how to write somewhere else (``--out DIR``). Other errors pass.

    Raises:
        InputError: code ``no-space`` or ``not-writable``, naming the path and what to do.
    """
    try:
        yield
    except (OSError, sqlite3.Error) as error:
        code = write_fault(error)
        if code is None:
            raise
        raise fault_error(code, _path_of(error, target), elsewhere=elsewhere) from None


def fault_error(code: int, path: str, *, elsewhere: str) -> InputError:
    """The input error for errno ``code`` met writing ``path``."""
    if code in _NO_SPACE:
        kind, fix = "no-space", "free space"
    else:
        kind, fix = "not-writable", "make it writable"
    return InputError(
        [
            Problem(
                kind,
                f"{_WORDS[code]} {path}; the previous output was left as it was",
                hint=f"{fix}, or {elsewhere}",
            )
        ]
    )


def _path_of(error: BaseException, target: Path) -> str:
    name = getattr(error, "filename", None)
    return os.fsdecode(name) if isinstance(name, (str, bytes)) else str(target)


def remove_leftovers(folder: Path, pattern: str) -> list[Path]:
    """Delete the entries of ``folder`` that a killed run of ours left; return them.

    ``pattern`` is a regular expression that must match the whole name and capture the
    writer's process id as group ``pid``; entries of a process still alive, and every name
    that does not match, are left alone.
    """
    shape = re.compile(pattern)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = shape.fullmatch(entry.name)
        if match is None or _alive(int(match["pid"])):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def beside(target: Path, tag: str) -> Path:
    """The temporary folder a run of this process writes ``target`` into before the swap."""
    return target.with_name(f".{target.name}.{tag}-{os.getpid()}")


def remove_killed(target: Path, tag: str) -> list[Path]:
    """Delete what killed runs left beside ``target``: their :func:`beside` folders (``tag``)
    and, when ``target`` is in place, the old copy a swap had renamed aside (see
    :func:`replace_dir`; without ``target`` it may be the only copy, so it stays)."""
    name = re.escape(target.name)
    removed = remove_leftovers(target.parent, rf"\.{name}\.{re.escape(tag)}-(?P<pid>[0-9]+)")
    if target.exists():
        removed += remove_leftovers(target.parent, rf"\.retired-(?P<pid>[0-9]+)-{name}")
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (ours or another user's)."""
    if pid <= 0:
        return True  # not a process id we write: never treat it as gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True
