"""The check counter shared by the deploy test scripts (lint_deploy.py,
validate_k8s.py): one `ok - name` / `not ok - name: why` line per check, and the
totals for the summary line each script prints."""

passed = 0
failed = 0


def check(ok: bool, name: str, why: str = "") -> bool:
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}: {why}")
    return ok
