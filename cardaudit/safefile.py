"""Reading one file without trusting it: regular files only, a size cap, and no way out of a root.

The file is checked with `os.stat` before it is opened (a FIFO, device or socket is never opened),
opened with O_NONBLOCK (so a file swapped for a FIFO in between still cannot block), checked again
on the open descriptor, and read up to the cap plus one byte. Under a root, a path whose real
location is outside the root (a symlink to /etc/passwd or /dev/zero) is refused, never followed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cardaudit.limits import LimitExceeded

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"{kind}, not a regular file; not read"


def _inside(path: Path, root: Path) -> Path:
    """The real path of `path`, which must lie under the real `root`."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    if os.path.commonpath([real, real_root]) != real_root:
        raise LimitExceeded("a symlink to a place outside the repository; not followed")
    return Path(real)


def read_bounded(path: Path, max_bytes: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, or LimitExceeded saying why not."""
    target = _inside(path, root) if root is not None else path
    try:
        before = os.stat(target)
    except OSError as exc:
        raise LimitExceeded(f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(before.st_mode):
        raise LimitExceeded(_not_regular(before.st_mode))
    if before.st_size > max_bytes:
        raise LimitExceeded(f"larger than {max_bytes} bytes; not read")
    # Inside a root the real path is opened without following a last-moment symlink.
    flags = _FLAGS | (getattr(os, "O_NOFOLLOW", 0) if root is not None else 0)
    fd = _open_regular(target, flags)
    try:
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise LimitExceeded(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise LimitExceeded(f"larger than {max_bytes} bytes; not read")
    return data


def _open_regular(target: Path, flags: int) -> int:
    """A descriptor on `target`, checked again once open: the path may have been swapped for a FIFO."""
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise LimitExceeded(f"cannot read: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise LimitExceeded(f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise LimitExceeded(_not_regular(mode))
    return fd


def read_bounded_text(path: Path, max_bytes: int, root: Path | None = None) -> str:
    """The file as UTF-8 text, or LimitExceeded."""
    data = read_bounded(path, max_bytes, root)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LimitExceeded(f"not UTF-8 text (byte {exc.start})", data.count(b"\n", 0, exc.start) + 1) from None


def read_prefix(path: Path, size: int, root: Path | None = None) -> bytes:
    """At most the first `size` bytes of a regular file (to sniff its kind), under the same rules."""
    target = _inside(path, root) if root is not None else path
    try:
        mode = os.stat(target).st_mode
    except OSError as exc:
        raise LimitExceeded(f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise LimitExceeded(_not_regular(mode))
    fd = _open_regular(target, _FLAGS)
    try:
        return os.read(fd, size)
    except OSError as exc:
        raise LimitExceeded(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
