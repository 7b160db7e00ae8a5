"""scripts/audit_dependencies.py must say SKIPPED, never a pass, when pip-audit cannot check (T-70)."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_pip_audit(monkeypatch, audit, *, stdout="", stderr="", error=None):
    def run(command, **kwargs):
        assert "pip-audit" in command[0]
        if error is not None:
            raise error
        return subprocess.CompletedProcess(command, 1, stdout=stdout, stderr=stderr)

    monkeypatch.setattr(audit.subprocess, "run", run)


def assert_skipped_not_passed(output):
    assert "pip-audit SKIPPED" in output
    assert "packages checked" not in output
    assert (
        "0 vulnerable" not in output and "pass" not in output.lower() and "ok" not in output.lower().split()
    )


def test_unreachable_advisory_service_prints_skipped_and_returns_0(monkeypatch, capsys, audit):
    fake_pip_audit(monkeypatch, audit, stderr="ConnectionError: pypi.org unreachable")
    assert audit.main() == 0
    assert_skipped_not_passed(capsys.readouterr().out)


def test_pip_audit_that_cannot_run_prints_skipped(monkeypatch, capsys, audit):
    fake_pip_audit(monkeypatch, audit, error=subprocess.TimeoutExpired("pip-audit", 300))
    assert audit.main() == 0
    assert_skipped_not_passed(capsys.readouterr().out)


def test_every_package_skipped_prints_skipped(monkeypatch, capsys, audit):
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2", "skip_reason": "could not reach PyPI"},
            {"name": "ninja", "version": "1.0", "skip_reason": "could not reach PyPI"},
        ]
    }
    fake_pip_audit(monkeypatch, audit, stdout=json.dumps(report))
    assert audit.main() == 0
    output = capsys.readouterr().out
    assert_skipped_not_passed(output)
    assert "none of 2 packages" in output


def test_vulnerable_package_fails_and_is_named(monkeypatch, capsys, audit):
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2", "vulns": [{"id": "GHSA-test-0001"}]},
            {"name": "ninja", "version": "1.0", "vulns": []},
        ]
    }
    fake_pip_audit(monkeypatch, audit, stdout=json.dumps(report))
    assert audit.main() == 1
    output = capsys.readouterr().out
    assert "django 5.2 has known vulnerabilities: GHSA-test-0001" in output
    assert "SKIPPED" not in output


def test_clean_audit_reports_what_was_checked(monkeypatch, capsys, audit):
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2", "vulns": []},
            {"name": "ninja", "version": "1.0", "skip_reason": "not on PyPI"},
        ]
    }
    fake_pip_audit(monkeypatch, audit, stdout=json.dumps(report))
    assert audit.main() == 0
    assert "1 packages checked, 0 vulnerable, 1 skipped" in capsys.readouterr().out
