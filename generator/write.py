"""Atomic, deterministic writes into the generated folder of `docs/` (and into `site/`).

The generated folder is built aside in a hidden staging folder beside it (`Staging`), then
swapped in with one atomic
`renameat2(RENAME_EXCHANGE)` (Linux), so a run killed at any moment leaves either the old or the
new folder, never a mix. Unchanged files are hard-linked from the old folder into the
staging folder, so their inode and modification time stay the same: only pages whose content
changed look changed to the site engine's watcher. Stale pages vanish with the old folder.

`docs/index.md`, the site home, is a symlink into the generated folder, so it swaps with it.

`briefing serve` instead updates the folder file by file (`_update_in_place`): each changed file
is replaced atomically, after every new file has been written, and files it did not change are
not touched, so the dev server's watcher keeps watching the same folder and sees only the
changed pages.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import posixpath
import shutil
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import urls
from generator.problems import FatalError
from generator.progress import track

STAGING_PREFIX = ".briefing-staging-"
OLD_PREFIX = ".briefing-old-"

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass
class WriteReport:
    """What a write changed."""

    written: list[str]
    unchanged: int
    removed: list[str]

    def include(self, earlier: list[str]) -> None:
        """Count as written these files, written earlier in the same run (and found unchanged
        since)."""
        new = sorted(set(earlier) - set(self.written))
        self.written = sorted([*self.written, *new])
        self.unchanged -= len(new)

    def summary(self) -> str:
        return (f"{len(self.written)} page(s) written, {self.unchanged} unchanged, "
                f"{len(self.removed)} removed")


@functools.lru_cache(maxsize=1)
def _renameat2() -> Any:
    """libc's renameat2, or None. `CDLL(None)` is the running program with the C library it
    links, found without `ctypes.util.find_library` (which runs `ldconfig` in a subprocess)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - every Linux and macOS Python can open itself
        return None
    return getattr(libc, "renameat2", None)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the platform or file system cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    result = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` (a folder) with `staging` atomically; remove the old contents."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging)
        return
    # Fallback for platforms without RENAME_EXCHANGE: a two-step swap with a short window.
    old = target.with_name(OLD_PREFIX + target.name)
    shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old)


def _file_path(page_path: str) -> str:
    try:
        return urls.file_path(page_path)
    except ValueError as exc:
        raise FatalError(str(exc)) from None


def clean_leftovers(parent: Path) -> None:
    """Remove staging folders a killed run left behind."""
    if parent.is_dir():
        for child in parent.iterdir():
            if child.name.startswith((STAGING_PREFIX, OLD_PREFIX)) and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)


def write_pages(docs: Path, pages: Iterable[tuple[str, str | bytes]],
                in_place: bool = False, partial: bool = False) -> WriteReport:
    """Write `(path relative to docs/, markdown or data file bytes)` pairs as the new generated
    folder: built aside and swapped in whole, or with `in_place` (`briefing serve`, once the
    folder exists) updated file by file, where `partial` writes these files and leaves every
    other as it is. Unchanged files keep their inode and modification time either way."""
    files = ((_file_path(page_path), text) for page_path, text in pages)
    target = docs / urls.GENERATED_DIR
    if in_place and target.is_dir():
        _prepare(docs)
        report = _update_in_place(target, files, partial)
        _link_home(docs)
        return report
    staging = Staging(docs)
    try:
        written = [rel for rel, source in track(files, "render and write", unit="files")
                   if staging.put(rel, source)]
        return staging.finish(written)
    finally:
        staging.discard()  # a no-op once swapped in


def _prepare(docs: Path) -> None:
    """Before writing into `docs/`: refuse a hand-written home page, and remove what a killed
    run left behind."""
    docs.mkdir(parents=True, exist_ok=True)
    home = docs / "index.md"
    if home.exists() and not home.is_symlink():
        raise FatalError(f"{home} is a regular file, but the generator owns the home page; "
                         "move hand-written content to another page and delete it")
    clean_leftovers(docs)


def _once(rel: str, seen: set[str]) -> None:
    """Note that `rel` is written; two pages on one file are a bug, never a silent overwrite."""
    if rel in seen:
        raise FatalError(f"two pages would be written to {urls.GENERATED_DIR}/{rel}")
    seen.add(rel)


def _link_home(docs: Path) -> None:
    """Make `docs/index.md` the symlink to the generated home page, if it is not already."""
    home = docs / "index.md"
    link_target = urls.generated(urls.HOME_FILE)
    if not (home.is_symlink() and os.readlink(home) == link_target):
        tmp = docs / f".index.md.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(link_target, tmp)
        os.replace(tmp, home)


def _update_in_place(target: Path, files: Iterable[tuple[str, str | bytes]],
                     partial: bool) -> WriteReport:
    """Bring the generated folder up to date file by file (`briefing serve`).

    A file that differs is written beside its old copy and renamed over it once every new file
    is written; unless `partial`, files no longer generated are then removed. Each file is
    replaced atomically, the folder as a whole is not. If anything fails before the renames,
    nothing has changed.
    """
    tmp_suffix = f".briefing-new-{os.getpid()}"  # hidden: the site engine skips dot files
    pending: list[tuple[Path, Path]] = []
    new_files: set[str] = set()
    try:
        for rel, source in files:
            _once(rel, new_files)
            path = target / rel
            data = source if isinstance(source, bytes) else source.encode("utf-8")
            if _same(path, data):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}{tmp_suffix}")
            tmp.write_bytes(data)
            pending.append((tmp, path))
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in pending:
        os.replace(tmp, path)
    removed = [] if partial else sorted(set(_files_under(target)) - new_files)
    for rel in removed:
        (target / rel).unlink(missing_ok=True)
    written = sorted(path.relative_to(target).as_posix() for _, path in pending)
    return WriteReport(written, len(new_files) - len(written), removed)


class Staging:
    """A new generated folder being built aside, in a hidden folder beside the current one.

    `put` stages each file; `finish` then swaps the new folder in whole; `discard` drops it and
    leaves `docs/` as it was. The staging folder's name starts with a dot, so the site engine
    never reads it, and a run killed before `finish` leaves it for the next run's
    `clean_leftovers`.
    """

    def __init__(self, docs: Path) -> None:
        """Create the staging folder, after the checks of `_prepare`."""
        self.docs = docs
        self.target = docs / urls.GENERATED_DIR
        self.made_docs = not docs.exists()
        _prepare(docs)
        self.files: set[str] = set()
        """Paths inside the generated folder (`file_path`) staged so far."""
        self.path = docs / f"{STAGING_PREFIX}{os.getpid()}"
        self.path.mkdir()
        self._folders: set[str] = {""}
        self._current = self.target.is_dir()
        """Whether there is a current generated folder whose unchanged files can be linked."""
        self._prefix = f"{self.path}{os.sep}"

    def put(self, rel: str, source: str | bytes) -> bool:
        """Stage one file: hard-link the current copy if identical (False), else write it
        (True)."""
        _once(rel, self.files)
        folder = posixpath.dirname(rel)
        if folder not in self._folders:
            (self.path / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        dest = self._prefix + rel
        data = source if isinstance(source, bytes) else source.encode("utf-8")
        if self._current:
            old = self.target / rel
            if _same(old, data):
                try:
                    os.link(old, dest)
                except OSError:
                    shutil.copy2(old, dest)
                return False
        with open(dest, "wb") as fh:
            fh.write(data)
        return True

    def finish(self, written: list[str]) -> WriteReport:
        """Swap the staging folder in for the generated folder, once every file is staged
        (`written`: those that changed), and report what changed."""
        if set(_files_under(self.path)) != self.files:
            raise RuntimeError("the staging folder does not hold the staged files")
        removed = (sorted(set(_files_under(self.target)) - self.files)
                   if self.target.is_dir() else [])
        swap_in(self.path, self.target)
        _link_home(self.docs)
        return WriteReport(sorted(written), len(self.files) - len(written), removed)

    def discard(self) -> None:
        """Drop the staging folder (if not swapped in): the generated folder stays as it was,
        and a `docs/` folder made for it goes too."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.made_docs:  # not empty once the new folder is swapped in: then it stays
            with contextlib.suppress(OSError):
                self.docs.rmdir()


def _files_under(folder: Path) -> Iterator[str]:
    """Every file below `folder`, as a POSIX path relative to it."""
    for parent, _, names in os.walk(folder):
        rel = os.path.relpath(parent, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in names:
            yield prefix + name


def _same(path: Path, data: bytes) -> bool:
    """Whether `path` is a regular file (not a symbolic link) holding exactly `data`."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
        return False
    try:
        return path.read_bytes() == data
    except OSError:
        return False
