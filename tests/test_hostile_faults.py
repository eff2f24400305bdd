"""Faults while writing: a full disk, a read-only folder, and the leftovers of a killed run.

The full disk is real: a small tmpfs mounted for the test (CI runs as root), filled with a
filler file but for a little room, so each command fails part-way through writing. Where
mounting is not permitted the commands run instead under a file-size limit
(``RLIMIT_FSIZE``, with SIGXFSZ ignored), which fails writes with EFBIG. The read-only case
remounts the tmpfs read-only (root ignores file modes, so ``chmod`` would prove nothing);
without a mount it is skipped, saying why. Every run is a real ``tradekg`` subprocess with a
bound, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from seed_project import copy_seed_project

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs and fork are Linux's")

TRADEKG = Path(sys.executable).parent / "tradekg"
#: No run takes longer than this: a hang fails the test instead of blocking it.
RUN_BOUND = 180.0
#: The small file system: room for the seed project's outputs (≈ 45 MB) twice over.
DISK_SIZE = "160m"
#: What is left free when the disk is "full": a command gets part-way, then fails.
SLACK = 256 * 1024
#: The file-size limit of the fallback when no file system can be mounted.
FILE_LIMIT = 16 * 1024
#: Every command and the folder of dist/ it writes.
COMMANDS = {"build": None, "site": "site", "docs": "docs", "export": "tables"}
#: The commands that write only what changed unless asked to write all (as these tests need).
FULL = ("build", "site")
#: Force the file-size fallback (to test it on a machine that can mount).
NO_MOUNT_ENV = "TRADEKG_TEST_NO_MOUNT"


@dataclass(frozen=True)
class Run:
    code: int
    output: str


def tradekg(
    *args: str, project: Path, file_limit: int | None = None, cwd: Path | None = None
) -> Run:
    """Run the real command, bounded; under a file-size limit when ``file_limit`` is given."""

    def limit() -> None:
        assert file_limit is not None
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    done = subprocess.run(
        [str(TRADEKG), *args, "--project", str(project)],
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=RUN_BOUND,
        preexec_fn=limit if file_limit is not None else None,
        cwd=cwd,
    )
    return Run(done.returncode, done.stdout + done.stderr)


def _run_root(*command: str) -> bool:
    """Run a mount command; False when it is not permitted here."""
    try:
        done = subprocess.run(command, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


class Disk:
    """A small tmpfs holding a built seed project, that can be filled or made read-only."""

    def __init__(self, mount: Path | None, project: Path) -> None:
        self.mount = mount
        self.project = project
        self.filler = (mount or project) / "filler.bin"

    @property
    def mounted(self) -> bool:
        return self.mount is not None

    @contextlib.contextmanager
    def full(self) -> Iterator[int | None]:
        """Fill the disk but for :data:`SLACK` bytes; yield the file-size limit to run
        under instead when there is no disk of our own (then nothing is filled)."""
        if self.mount is None:
            yield FILE_LIMIT
            return
        block = b"\0" * (1 << 20)
        with self.filler.open("wb") as out:
            try:
                while True:
                    out.write(block)
                    out.flush()
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
        free = os.statvfs(self.mount).f_bavail * os.statvfs(self.mount).f_frsize
        size = self.filler.stat().st_size
        os.truncate(self.filler, max(0, size - max(0, SLACK - free)))
        try:
            yield None
        finally:
            self.filler.unlink()

    @contextlib.contextmanager
    def read_only(self) -> Iterator[None]:
        assert self.mount is not None
        assert _run_root("mount", "-o", "remount,ro", str(self.mount)), "remount ro failed"
        try:
            yield
        finally:
            assert _run_root("mount", "-o", "remount,rw", str(self.mount))


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Disk]:
    """The seed project built, with its site, docs and tables, on a small disk of its own."""
    mount: Path | None = tmp_path_factory.mktemp("disk")
    assert mount is not None
    if os.environ.get(NO_MOUNT_ENV) or not _run_root(
        "mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tradekg-test", str(mount)
    ):
        mount = None
    root = mount if mount is not None else tmp_path_factory.mktemp("unmounted")
    try:
        project = copy_seed_project(root / "project")
        for command in COMMANDS:
            run = tradekg(command, project=project)
            assert run.code == 0, run.output
        yield Disk(mount, project)
    finally:
        if mount is not None:
            _run_root("umount", "--lazy", str(mount))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by path, with its sha256."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_intact(project: Path, before: dict[str, str]) -> None:
    """dist/ is byte for byte what it was, its store answers, and no temporary is left."""
    dist = project / "dist"
    assert snapshot(dist) == before
    store = ox.Store.read_only(str(dist / "store"))
    assert len(store) > 1000
    leftovers = [p.name for p in dist.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert "<html" in (dist / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_full_disk_is_an_input_error_and_the_old_outputs_stay(disk: Disk, command: str) -> None:
    before = snapshot(disk.project / "dist")
    args = [command, "--full"] if command in FULL else [command]
    with disk.full() as file_limit:
        run = tradekg(*args, project=disk.project, file_limit=file_limit)
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    if file_limit is None:
        assert "no space left on the device that holds" in run.output, run.output
    else:
        assert "size limit" in run.output, run.output
    assert "hint: free space, or " in run.output
    if COMMANDS[command] is not None:
        assert "--out DIR" in run.output
    assert_intact(disk.project, before)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_read_only_folder_is_an_input_error_and_the_old_outputs_stay(
    disk: Disk, command: str
) -> None:
    if not disk.mounted:
        pytest.skip(
            "cannot mount a file system here to remount read-only, and file modes prove "
            "nothing for root"
            if os.geteuid() == 0
            else "cannot mount a file system here to remount read-only"
        )
    before = snapshot(disk.project / "dist")
    args = [command, "--full"] if command in FULL else [command]
    with disk.read_only():
        run = tradekg(*args, project=disk.project)
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    assert "the file system is read-only where it would write" in run.output, run.output
    assert str(disk.project) in run.output
    assert "hint: make it writable, or " in run.output
    assert_intact(disk.project, before)


# --- a killed run's leftovers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_seed_project(tmp_path_factory.mktemp("killed") / "project")
    run = tradekg("build", project=project)
    assert run.code == 0, run.output
    return project


def _wait_for(condition: Callable[[], bool], bound: float) -> bool:
    """Poll ``condition`` every few milliseconds for at most ``bound`` seconds."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def kill_site_mid_write(project: Path) -> tuple[int, Path]:
    """Start ``tradekg site --full`` (every page written, whatever is up to date), SIGKILL it
    (and its page processes) once its temporary folder holds pages; return its (now dead)
    PID and the folder it left."""
    for _ in range(3):  # a run that finished before it was caught is started again
        child = subprocess.Popen(
            [str(TRADEKG), "site", "--full", "--project", str(project)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        temp = project / "dist" / f".site.tmp-{child.pid}"
        try:
            caught = _wait_for(
                lambda: (temp / "assets" / "site.css").exists() or child.poll() is not None,  # noqa: B023
                RUN_BOUND,
            )
            if caught and child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
        if child.returncode == -signal.SIGKILL and temp.is_dir():
            return child.pid, temp
    pytest.fail("tradekg site finished three times before it could be killed mid-write")


def test_the_next_site_removes_what_a_killed_site_left(built: Path) -> None:
    dist = built / "dist"
    dead, left = kill_site_mid_write(built)
    assert any(left.rglob("*.html")) or (left / "assets").is_dir()
    # A live process's folder, and names we did not make, must survive the cleanup.
    live = dist / f".site.tmp-{os.getpid()}"
    strangers = [dist / ".site.tmp-12ab", dist / f".site.tmp-{dead}.keep", dist / "site.tmp-1"]
    for folder in (live, *strangers):
        folder.mkdir()
        (folder / "mine.txt").write_text("not tradekg's\n", encoding="utf-8")
    try:
        run = tradekg("site", project=built)
        assert run.code == 0, run.output
        assert not left.exists()
        assert (live / "mine.txt").is_file()
        assert all((folder / "mine.txt").is_file() for folder in strangers)
        assert "<html" in (dist / "site" / "index.html").read_text(encoding="utf-8")
    finally:
        for folder in (live, *strangers):
            (folder / "mine.txt").unlink()
            folder.rmdir()


def test_docs_export_and_build_remove_what_killed_runs_left(built: Path) -> None:
    dist = built / "dist"
    dead, left = kill_site_mid_write(built)  # a PID that surely is gone now
    leftovers = {
        "docs": dist / f".docs.tmp-{dead}",
        "export": dist / f".tables.writing-{dead}",
        "build": dist / f".staging-{dead}-k1ll3d_",
    }
    cache = built / ".tradekg-cache" / f".build-{dead}-x9_y"
    for folder in leftovers.values():
        folder.mkdir()
        (folder / "part.nq").write_bytes(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    cache.write_bytes(b"half a pickle")
    for command in ("docs", "export"):
        run = tradekg(command, project=built)
        assert run.code == 0, run.output
        assert not leftovers[command].exists(), command
    run = tradekg("build", "--full", project=built)
    assert run.code == 0, run.output
    assert not leftovers["build"].exists()
    assert not cache.exists()
    assert left.exists()  # only `site` removes the site's leftovers
    run = tradekg("site", project=built)
    assert run.code == 0, run.output
    assert not left.exists()
