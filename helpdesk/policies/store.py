"""PolicyStore: the last valid policies, re-read when a file changes; an invalid edit never serves."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from .errors import PolicyError
from .loading import FILE_NAMES, Policies, load_policies
from .support_schema import SupportPolicy

log = logging.getLogger(__name__)

_Stat = tuple[tuple[int, int] | None, ...]


class PoliciesUnavailable(RuntimeError):
    """No valid version of the policy files has been loaded yet."""


class PolicyStore:
    """Holds the last valid `Policies` of a directory.

    `reload()` is cheap when nothing changed (a stat per file) and is meant to be called by the
    service from its own loop; it never raises for bad files: their errors land in `errors` and the
    previous version keeps serving.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.errors: tuple[PolicyError, ...] = ()
        self.version = 0
        self._policies: Policies | None = None
        self._stat: _Stat | None = None
        self._digest: str | None = None

    @property
    def policies(self) -> Policies:
        if self._policies is None:
            raise PoliciesUnavailable(
                f"no valid policies in {self.directory}: " + "; ".join(map(str, self.errors))
            )
        return self._policies

    @property
    def ready(self) -> bool:
        return self._policies is not None

    def support(self) -> SupportPolicy | None:
        """The support teams and hours now, or None while no valid policies are loaded."""
        return self._policies.support if self._policies is not None else None

    def reload(self) -> bool:
        """Re-read the files if any changed; True when a new valid version was installed."""
        stat = self._stat_files()
        if stat == self._stat:
            return False
        self._stat = stat
        digest = self._digest_files()
        if digest == self._digest:
            return False
        self._digest = digest
        result = load_policies(self.directory)
        if isinstance(result, list):
            self.errors = tuple(result)
            kept = f"keeping version {self.version}" if self._policies else "no valid version yet"
            log.warning("policy files refused (%s): %s", kept, "; ".join(map(str, result)))
            return False
        self._policies, self.errors = result, ()
        self.version += 1
        log.info("policy files loaded, version %d", self.version)
        return True

    def _stat_files(self) -> _Stat:
        stats: list[tuple[int, int] | None] = []
        for name in FILE_NAMES:
            try:
                info = (self.directory / name).stat()
            except OSError:
                stats.append(None)
            else:
                stats.append((info.st_mtime_ns, info.st_size))
        return tuple(stats)

    def _digest_files(self) -> str:
        digest = hashlib.sha256()
        for name in FILE_NAMES:
            try:
                digest.update((self.directory / name).read_bytes())
            except OSError:
                digest.update(b"\0missing\0")
            digest.update(b"\0" + name.encode() + b"\0")
        return digest.hexdigest()
