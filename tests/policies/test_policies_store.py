import os
import shutil

import pytest
from policy_files import SHIPPED

from helpdesk.policies import PoliciesUnavailable, PolicyStore


def copy(tmp_path):
    directory = tmp_path / "policies"
    shutil.copytree(SHIPPED, directory)
    return directory


def edit(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    stat = path.stat()  # a new mtime even on file systems with coarse timestamps
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_nothing_before_first_reload(tmp_path):
    store = PolicyStore(copy(tmp_path))
    assert not store.ready
    with pytest.raises(PoliciesUnavailable):
        _ = store.policies


def test_reload_loads_then_only_on_change(tmp_path):
    directory = copy(tmp_path)
    store = PolicyStore(directory)
    assert store.reload() is True and store.version == 1
    assert store.reload() is False
    edit(directory / "returns.yml", "window_days: 60", "window_days: 45")
    assert store.reload() is True and store.version == 2
    assert store.policies.returns.markets["EU"].overrides["DE"].window_days == 45


def test_touch_without_change_keeps_version(tmp_path):
    directory = copy(tmp_path)
    store = PolicyStore(directory)
    store.reload()
    edit(directory / "shipping.yml", "x-never-there", "")
    assert store.reload() is False and store.version == 1


def test_invalid_edit_keeps_serving_the_old_version(tmp_path):
    directory = copy(tmp_path)
    store = PolicyStore(directory)
    store.reload()
    edit(directory / "returns.yml", "window_days: 60", "window_days: sixty")
    assert store.reload() is False
    assert store.version == 1
    assert store.policies.returns.markets["EU"].overrides["DE"].window_days == 60
    [error] = store.errors
    assert error.file == "returns.yml" and error.path == "markets.EU.overrides.DE.window_days"
    edit(directory / "returns.yml", "window_days: sixty", "window_days: 61")
    assert store.reload() is True and store.errors == ()


def test_invalid_from_the_start(tmp_path):
    directory = copy(tmp_path)
    (directory / "loyalty.yml").unlink()
    store = PolicyStore(directory)
    assert store.reload() is False
    with pytest.raises(PoliciesUnavailable, match="loyalty.yml: is missing"):
        _ = store.policies
