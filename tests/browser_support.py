"""A real headless Chromium driven over the DevTools protocol (CDP), with no extra package.

``--remote-debugging-pipe`` makes Chromium read CDP commands from file descriptor 3 and write
answers and events to descriptor 4, each message a JSON object ended by a NUL byte; this module
speaks that and nothing more: open a page, run a script in it, wait for a condition. The
browser gets its own profile and a dead proxy, so nothing reaches the network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from loader.files import Closing

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

#: How every test starts Chromium: headless, its own profile, and a dead proxy, so nothing
#: reaches the network.
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--proxy-server=http://127.0.0.1:9",
)


def chromium_command(profile: Path, *args: str) -> list[str]:
    """The command line of a headless Chromium with its own ``profile`` folder."""
    assert BROWSER is not None, "chromium is not installed"
    return [BROWSER, *HEADLESS, f"--user-data-dir={profile}", *args]


class BrowserError(RuntimeError):
    """Chromium answered a command with an error, or a wait ran out."""


class Browser(Closing):
    """One headless Chromium with one page (tab); use as a context manager."""

    def __init__(self, profile: Path, *, timeout: float = 60.0) -> None:
        assert BROWSER is not None, "chromium is not installed"
        self.timeout = timeout
        commands_read, commands_write = os.pipe()  # we write, Chromium reads (its fd 3)
        answers_read, answers_write = os.pipe()  # Chromium writes (its fd 4), we read

        def child_fds() -> None:
            # copies first, so that neither end is overwritten when it already is fd 3 or 4
            commands, answers = os.dup(commands_read), os.dup(answers_write)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.process = subprocess.Popen(
            chromium_command(profile, "--remote-debugging-pipe", "about:blank"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=child_fds,
            pass_fds=(3, 4),  # kept open after the exec (the rest are closed)
        )
        os.close(commands_read)
        os.close(answers_write)
        self._out = os.fdopen(commands_write, "wb", buffering=0)
        self._in = os.fdopen(answers_read, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        target = self.command("Target.createTarget", url="about:blank")["targetId"]
        attached = self.command("Target.attachToTarget", targetId=target, flatten=True)
        self.session = attached["sessionId"]

    def close(self) -> None:
        """Stop Chromium (it exits when its command pipe closes; killed if it does not)."""
        try:
            self._out.close()
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            self._in.close()

    def command(self, method: str, *, session: str | None = None, **params: Any) -> Any:
        """Send one CDP command and return its result (events in between are dropped)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = self._in.read(1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        found: dict[str, Any] = json.loads(message)
        return found

    def evaluate(self, script: str) -> Any:
        """The value of ``script`` in the page (a promise is awaited), as JSON."""
        result = self.command(
            "Runtime.evaluate",
            session=self.session,
            expression=script,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"the script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def go(self, url: str) -> None:
        """Start loading ``url`` in the page (the page may move on by itself)."""
        self.command("Page.navigate", session=self.session, url=url)

    def open(self, url: str) -> None:
        """Load ``url`` in the page and wait until it has loaded."""
        self.go(url)
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def wait_for(self, condition: str) -> None:
        """Wait until the script ``condition`` is true in the page."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(condition):
                    return
            except BrowserError:
                pass  # the page is between two documents
            time.sleep(0.1)
        raise BrowserError(f"still not true after {self.timeout} s: {condition}")
