"""The dependency audit's verdicts (.ci/audit_dependencies.py, run by `make test`)."""

import importlib.util

import pytest
from django.conf import settings

spec = importlib.util.spec_from_file_location(
    "audit_dependencies", settings.BASE_DIR / ".ci" / "audit_dependencies.py"
)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def report(*vulns):
    return {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": list(vulns)},
            {"name": "nh3", "version": "0.3.8", "vulns": []},
        ]
    }


def test_a_clean_report_passes():
    status, line = audit.verdict(0, report())
    assert status == 0
    assert line.startswith("PASSED (2 packages")


def test_a_known_vulnerability_fails():
    status, line = audit.verdict(1, report({"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"]}))
    assert status == 1
    assert "django 5.2.19: PYSEC-2099-1" in line


def test_an_ignored_vulnerability_needs_a_reason_and_is_then_accepted(monkeypatch):
    monkeypatch.setattr(audit, "IGNORED", {"PYSEC-2099-1": "not reachable from our code"})
    assert "--ignore-vuln" in audit.command()
    status, _line = audit.verdict(0, report({"id": "PYSEC-2099-1"}))
    assert status == 0
    for reason in audit.IGNORED.values():
        assert reason.strip()


def test_a_failed_lookup_fails():
    assert audit.verdict(1, None)[0] == 1
    assert audit.verdict(1, report())[0] == 1


@pytest.mark.parametrize(("required", "expected"), [("1", 1), ("", 0)])
def test_an_unreachable_service_is_announced_and_fails_when_required(
    monkeypatch, capsys, required, expected
):
    monkeypatch.setattr(audit, "service_reachable", lambda: (False, "probe: HTTP Error 404"))
    monkeypatch.setenv("FCS_REQUIRE_AUDIT", required)
    assert audit.main() == expected
    captured = capsys.readouterr()
    assert "dependency audit: NOT RUN" in captured.out
    assert "NOT RUN" in captured.err


def test_the_audit_uses_strict_mode_and_skips_only_our_own_editable_project():
    args = audit.command()
    assert "--strict" in args
    assert "--skip-editable" in args
