"""The report folders: built aside, published together at the end, repaired after a killed run; `latest`.

A report is published in two steps. :meth:`Publication.stage` builds each folder under a
temporary name; nothing a reader sees has changed yet. :meth:`Publication.publish` then
moves every staged folder into place (the folder it replaces is kept aside) and points
``latest`` at the new report; :meth:`Publication.undo` puts everything back as it was
(used when the store's commit that follows fails), :meth:`Publication.finish` deletes what
was kept aside. A process killed in between leaves ``.<name>.old-<pid>`` and
``.<name>.tmp-<pid>-*`` entries that the next run repairs (:func:`_recover`).
"""


from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .._text import printable
from ..exceptions import LitgraphError


logger = logging.getLogger("litgraph")

_LEFTOVER = re.compile(r"\.(\d{4}-\d{2}-\d{2}|graph)\.(old|tmp)-(\d+)(?:-.*)?")


def _remove(path: Path) -> bool:
    """Delete a file, a link (never what it points at) or a folder tree; True if nothing is left at ``path``."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path)
    except OSError as exc:
        logger.debug("could not remove %s: %s", path, exc)
    return not os.path.lexists(path)


class Publication:
    """The folders of one report, staged under temporary names and published together (see the module)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.staged: list[tuple[Path, Path]] = []  # (temporary folder, final path)
        self.done: list[tuple[Path, Path | None]] = []  # (final path, what it replaced, kept aside)
        self.latest_before: str | None = None
        self.latest_moved = False

    def stage(self, name: str, fill: Callable[[Path], None]) -> None:
        """Build ``out/name`` as a temporary folder with ``fill(tmp)``; nothing visible changes."""
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-{os.getpid()}-", dir=self.out))
        self.staged.append((tmp, self.out / name))
        os.chmod(tmp, 0o755)
        fill(tmp)

    def publish(self, latest: str | None) -> bool:
        """Move every staged folder into place and point ``latest`` at ``latest``.

        Returns whether ``latest`` moved (it stays on a later report). On failure what
        was already moved is put back before the error goes on.
        """
        try:
            for tmp, final in self.staged:
                old = None
                if os.path.lexists(final):
                    old = final.with_name(f".{final.name}.old-{os.getpid()}")
                    _remove(old)
                    os.replace(final, old)
                try:
                    os.replace(tmp, final)
                except BaseException:
                    if old is not None:
                        os.replace(old, final)
                    raise
                self.done.append((final, old))
            if latest is not None:
                self.latest_before = _latest_name(self.out)
                self.latest_moved = _point_latest(self.out, latest)
        except BaseException:
            self.undo()
            raise
        return self.latest_moved

    def undo(self) -> None:
        """Put back what :meth:`publish` replaced (best effort: a failing step is logged, the rest still done)."""
        if self.latest_moved:
            try:
                if self.latest_before is None:
                    _remove(self.out / "latest")
                    _remove(self.out / "LATEST")
                else:
                    _point_latest(self.out, self.latest_before, force=True)
            except OSError as exc:
                logger.warning("could not point %s back at %s: %s", self.out / "latest", self.latest_before, exc)
            self.latest_moved = False
        for final, old in reversed(self.done):
            try:
                _remove(final)
                if old is not None:
                    os.replace(old, final)
            except OSError as exc:
                logger.warning("could not put back %s: %s", final, exc)
        self.done = []
        self.discard()

    def finish(self) -> None:
        """Delete the folders the published ones replaced."""
        for _, old in self.done:
            if old is not None:
                _remove(old)

    def discard(self) -> None:
        """Delete staged folders that were not published."""
        for tmp, _ in self.staged:
            if os.path.lexists(tmp):
                _remove(tmp)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid < 2**31  # someone else's live process
    return True


def _recover(out: Path) -> list[str]:
    """Repair what killed runs left in ``out``: put back a dated folder moved aside, delete their temporaries.

    Temporaries of a run that is still going (its process is alive) are left alone.
    Returns what was done, one line each (only what was really done).
    """
    done = []
    try:
        entries = list(out.iterdir())
    except OSError:
        return done
    for entry in entries:
        if entry.name.startswith(".latest.tmp-"):
            pid = entry.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)) and not _remove(entry):
                logger.warning("could not remove %s, left by an interrupted run", printable(str(entry)))
            continue
        m = _LEFTOVER.fullmatch(entry.name)
        if not m or _alive(int(m.group(3))):
            continue
        final = out / m.group(1)
        if m.group(2) == "old" and not os.path.lexists(final):
            os.replace(entry, final)
            done.append(f"restored {final} from an interrupted run")
        elif _remove(entry):
            done.append(f"removed {entry.name}, left by an interrupted run")
        else:
            logger.warning("could not remove %s, left by an interrupted run", printable(str(entry)))
    for line in done:
        logger.warning("%s", printable(line))
    return done


def _latest_name(out: Path) -> str | None:
    """The dated folder ``latest`` points at, if any."""
    latest = out / "latest"
    if latest.is_symlink():
        return Path(os.readlink(latest)).name
    marker = out / "LATEST"
    if marker.is_file():
        return marker.read_text(encoding="utf-8", errors="replace").strip() or None
    return None


def _point_latest(out: Path, name: str, *, force: bool = False) -> bool:
    """Point ``latest`` at ``name`` unless it already points at a later report; True if it moved."""
    current = _latest_name(out)
    if not force and current and current != name and (out / current).is_dir() and current > name:
        return False
    latest = out / "latest"
    if latest.exists() and not latest.is_symlink():
        raise LitgraphError(f"{latest} exists and is not a link; move it away so litgraph can point it at the "
                            f"newest report.")
    tmp = out / f".latest.tmp-{os.getpid()}"
    if os.path.lexists(tmp) and not _remove(tmp):
        raise LitgraphError(f"{tmp}: cannot be removed; delete it so litgraph can point {latest} at the newest "
                            f"report.")
    try:
        os.symlink(name, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except OSError:  # no symlinks on this file system: name the folder in a text file
        _remove(tmp)
        (out / "LATEST").write_text(name + "\n", encoding="utf-8")
    return True
