"""The hook that applies bot/patches/ when Rasa imports the module a patch fixes.

scripts/setup-bot-env.sh writes `import bot.patches.on_import; bot.patches.on_import.install()`
into a .pth file of the bot environment, so every Rasa process (`rasa run`, `rasa train`, tests)
gets the patches, and nothing is imported before Rasa itself imports the patched module: Python
starts as fast as before. SHOP_SUPPORT_RASA_PATCHES=off leaves Rasa as shipped (to measure the
difference, benchmarks/chat_load.py --unpatched-rasa).
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Callable
from typing import Any

SWITCH = "SHOP_SUPPORT_RASA_PATCHES"


def _action_validation(module: Any) -> None:
    from bot.patches import action_validation

    action_validation.apply(module)


# module name -> what to do to it once it has been executed
PATCHES: dict[str, Callable[[Any], None]] = {"rasa.core.actions.action": _action_validation}


class _PatchingLoader(importlib.abc.Loader):
    """The module's own loader, then the patch; everything else asked of it goes to the original."""

    def __init__(self, loader: Any, patch: Callable[[Any], None]) -> None:
        self._loader, self._patch = loader, patch

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _PatchFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        patch = PATCHES.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, patch)
                return spec
        return None


def install() -> None:
    """Put the hook first on sys.meta_path (once), unless the patches are switched off."""
    if os.environ.get(SWITCH, "on").lower() == "off":
        return
    if not any(isinstance(finder, _PatchFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchFinder())
