"""Run pip-audit over the installed environment and fail on a known vulnerability (T-70).

pip-audit asks the PyPI advisory service. When that service cannot be reached (no network, or a
local mirror without the JSON API), every package comes back "skipped"; that is reported clearly
and does not fail the build, because it proves nothing either way. Waivers: add
``--ignore-vuln ID`` to WAIVERS with a date and a reason.
"""

import json
import subprocess
import sys
from pathlib import Path

WAIVERS: list[str] = []  # e.g. "--ignore-vuln", "GHSA-xxxx"  # 2026-11-27: reason


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "--progress-spinner", "off", "-f", "json", *WAIVERS]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"pip-audit SKIPPED: could not run ({error}).")
        return 0
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(
            f"pip-audit SKIPPED: the advisory service could not be reached.\n{result.stderr.strip()[-500:]}"
        )
        return 0
    dependencies = report.get("dependencies", [])
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    if not audited:
        print(
            f"pip-audit SKIPPED: none of {len(dependencies)} packages could be checked "
            "(advisory service unreachable)."
        )
        return 0
    for dep in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dep["vulns"])
        print(f"pip-audit: {dep['name']} {dep['version']} has known vulnerabilities: {ids}")
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} packages checked, {len(vulnerable)} vulnerable, {skipped} skipped.")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
