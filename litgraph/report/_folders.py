"""The dated report folders: swapping a finished folder in, repairing what killed runs left, `latest`."""


from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path


from ..exceptions import LitgraphError


logger = logging.getLogger("litgraph")

_LEFTOVER = re.compile(r"\.(\d{4}-\d{2}-\d{2}|graph)\.(old|tmp)-(\d+)(?:-.*)?")


def _swap_in(tmp: Path, final: Path) -> None:
    """Move the finished folder ``tmp`` to ``final``.

    A same-day rerun first moves the previous folder aside (``.<date>.old-<pid>``) and
    deletes it once the new one is in place; if the second rename fails the previous
    folder is put back, and if the process is killed between the two renames the next
    run puts it back (:func:`_recover`).
    """
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    try:
        os.replace(tmp, final)
    except BaseException:
        if old is not None and not final.exists():
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    Returns what was done, one line each.
    """
    done = []
    try:
        entries = list(out.iterdir())
    except OSError:
        return done
    for entry in entries:
        if entry.name.startswith(".latest.tmp-"):
            pid = entry.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                entry.unlink(missing_ok=True)
            continue
        m = _LEFTOVER.fullmatch(entry.name)
        if not m or _alive(int(m.group(3))):
            continue
        final = out / m.group(1)
        if m.group(2) == "old" and not final.exists():
            os.replace(entry, final)
            done.append(f"restored {final} from an interrupted run")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed {entry.name}, left by an interrupted run")
    for line in done:
        logger.warning("%s", line)
    return done


def _latest_name(out: Path) -> str | None:
    """The dated folder ``latest`` points at, if any."""
    latest = out / "latest"
    if latest.is_symlink():
        return Path(os.readlink(latest)).name
    marker = out / "LATEST"
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip() or None
    return None


def _point_latest(out: Path, name: str) -> bool:
    """Point ``latest`` at ``name`` unless it already points at a later report; True if it moved."""
    current = _latest_name(out)
    if current and current != name and (out / current).is_dir() and current > name:
        return False
    latest = out / "latest"
    if latest.exists() and not latest.is_symlink():
        raise LitgraphError(f"{latest} exists and is not a link; move it away so litgraph can point it at the "
                            f"newest report.")
    tmp = out / f".latest.tmp-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    try:
        os.symlink(name, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except OSError:  # no symlinks on this file system: name the folder in a text file
        tmp.unlink(missing_ok=True)
        (out / "LATEST").write_text(name + "\n", encoding="utf-8")
    return True

