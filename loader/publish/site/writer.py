"""Write files on a background thread while the next page is being made.

Creating thousands of small files costs about as much as making them, and the time is
spent in the kernel with the GIL released, so a writer thread overlaps the two. The queue is
bounded, so memory holds a few hundred pages at most, never the site.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from types import TracebackType

_DONE = None


class FileWriter:
    """``with FileWriter() as w: w.write(path, text)``; errors surface on exit."""

    def __init__(self, depth: int = 256) -> None:
        self._queue: queue.Queue[tuple[Path, bytes] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="site-writer", daemon=True)

    def __enter__(self) -> FileWriter:
        self._thread.start()
        return self

    def write(self, path: Path, text: str) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((path, text.encode("utf-8")))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if self._error is None:
                try:
                    item[0].write_bytes(item[1])
                except OSError as error:
                    self._error = error

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None and error is None:
            raise self._error
