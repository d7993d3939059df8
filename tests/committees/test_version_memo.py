"""VersionMemo: what a worker keeps for one content version."""

import pytest

from committees.content import VersionMemo


def counting(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_a_value_is_built_once_per_version():
    memo = VersionMemo()
    build, calls = counting(("a", "b"))
    assert memo.get(1, "key", build) == ("a", "b")
    assert memo.get(1, "key", build) == ("a", "b")
    assert len(calls) == 1
    memo.get(2, "key", build)  # content changed
    assert len(calls) == 2


def test_without_a_version_every_call_builds_and_nothing_is_kept():
    memo = VersionMemo()
    build, calls = counting(1)
    memo.get(None, "key", build)
    memo.get(None, "key", build)
    assert len(calls) == 2
    memo.set_many(None, {"key": 1})
    assert memo.get_many(None, ["key"]) == {}
    assert not memo.entries


def test_a_failed_build_keeps_nothing():
    memo = VersionMemo()

    def fail():
        raise LookupError

    for _ in range(2):
        with pytest.raises(LookupError):
            memo.get(1, "key", fail)
    assert not memo.entries


def test_the_most_recently_used_keys_are_kept():
    memo = VersionMemo(size=3)
    for key in "abc":
        memo.get(1, key, lambda key=key: key)
    memo.get(1, "a", lambda: "rebuilt")  # used again: now the most recent
    memo.get(1, "d", lambda: "d")  # "b", the least recently used, goes
    assert list(memo.entries) == ["c", "a", "d"]
    assert memo.get(1, "a", lambda: "rebuilt") == "a"


def test_many_at_once_only_for_their_version():
    memo = VersionMemo(size=10)
    memo.set_many(1, {"x": 1, "y": 2})
    assert memo.get_many(1, ["x", "y", "z"]) == {"x": 1, "y": 2}
    assert memo.get_many(2, ["x", "y"]) == {}
    memo.set_many(2, {"x": 10})
    assert memo.get_many(2, ["x", "y"]) == {"x": 10}


def test_pickled_values_are_a_fresh_copy_each_time_and_large_ones_are_not_kept():
    memo = VersionMemo()
    build, calls = counting({"rows": [1, 2]})
    first = memo.get_pickled(1, "page", build)
    first["rows"].append(3)  # one request changes its copy
    assert memo.get_pickled(1, "page", build) == {"rows": [1, 2]}
    assert len(calls) == 1
    big, big_calls = counting("x" * 1000)
    assert memo.get_pickled(1, "big", big, max_bytes=100) == "x" * 1000
    assert memo.get_pickled(1, "big", big, max_bytes=100) == "x" * 1000
    assert len(big_calls) == 2  # built each time, never kept
    assert "big" not in memo.entries


def test_a_kept_entry_used_again_is_the_last_to_go():
    memo = VersionMemo(size=2)
    memo.set_many(1, {"a": 1, "b": 2})
    assert memo.kept("a") == (1, 1)  # whatever the version: the caller checks it
    memo.set_many(1, {"c": 3})
    assert list(memo.entries) == ["a", "c"]
