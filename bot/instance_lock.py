"""One bot process per state database: an exclusive `flock` on a lock file beside it.

The lock is `fcntl.flock(LOCK_EX | LOCK_NB)` on `STATE_DB + ".lock"`, held on an open file
for the life of the process, with the holder's pid written in the file so a refused second
process can say who holds it. The kernel releases a flock when its process ends, however it
ends (SIGKILL included), so a crash never leaves a stale lock to clean up by hand. The file
itself is left in place on release: deleting it would let a process that opened the old
file and one that creates a new one both "hold" the lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class InstanceLocked(Exception):
    """Another process holds the lock."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path, self.pid = path, pid
        holder = f"process {pid}" if pid else "another process"
        super().__init__(f"{path} is held by {holder}")


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise InstanceLocked; OSError if the file cannot be created."""
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise InstanceLocked(self.path, pid) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases the flock
            self._fd = None


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip())
    except (OSError, ValueError):
        return None
