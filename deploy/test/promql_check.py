#!/usr/bin/env python3
"""Runs the dashboard's and the alert rules' PromQL against a live Prometheus,
and watches alerts. Standard library only. Used by deploy/test/prometheus-e2e.sh.

  promql_check.py queries URL DASHBOARD.json ALERTS.yml
      Every expression must return data:
      - each query of each dashboard panel, with Grafana's variables replaced
        ($__rate_interval -> 1m, $__range -> 5m, $job -> dateline,
        $instance -> .*; an unknown variable fails), must return at least one
        series with a finite value: a panel that would show "No data" or only
        NaN fails;
      - each template variable's label_values(SELECTOR, LABEL) must find the
        label on some series of SELECTOR;
      - each alert rule, as loaded by this Prometheus (/api/v1/rules; the list
        of names must equal the alerts in ALERTS.yml), must evaluate without
        error, and every series expression inside its condition must return
        data. A condition like `A > 1000 and B > 0` is split at its top-level
        comparison and set operators (==, !=, <, >, <=, >=, and, or, unless);
        number literals are dropped and each remaining operand (A, B) is
        queried on its own. Querying the whole condition would prove nothing
        while it is (rightly) false, and a misspelt metric would hide behind it.
  promql_check.py wait URL EXPR TIMEOUT_S
      Waits until EXPR returns a series with a value > 0.
  promql_check.py wait-alert URL ALERTNAME TIMEOUT_S
      Waits until the alert is firing; prints when it was first seen pending.

Prints `ok - ...` / `not ok - ...` lines; exit status 1 if any failed.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

GRAFANA_VARIABLES = {
    "__rate_interval": "1m",
    "__interval": "15s",
    "__range": "5m",
    "job": "dateline",
    "instance": ".*",
}

failures = 0


def report(ok: bool, name: str, why: str = "") -> None:
    global failures
    if ok:
        print(f"ok - {name}", flush=True)
    else:
        failures += 1
        print(f"not ok - {name}: {why}", flush=True)


def api(url: str, path: str, **params) -> dict:
    q = urllib.parse.urlencode(params)
    full = f"{url}{path}" + (f"?{q}" if q else "")
    try:
        with urllib.request.urlopen(full, timeout=10) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)  # Prometheus explains bad queries in a JSON body with status 400
    return body


def query(url: str, expr: str) -> tuple[list, str]:
    """(result, error) of an instant query at now."""
    body = api(url, "/api/v1/query", query=expr)
    if body.get("status") != "success":
        return [], f"{body.get('errorType')}: {body.get('error')}"
    data = body["data"]
    if data["resultType"] == "scalar":
        return [{"metric": {}, "value": data["result"]}], ""
    return data["result"], ""


def finite(result: list) -> bool:
    for s in result:
        try:
            if math.isfinite(float(s["value"][1])):
                return True
        except (KeyError, ValueError, TypeError):
            pass
    return False


def substitute(expr: str) -> tuple[str, set[str]]:
    unknown = set()

    def repl(m: re.Match) -> str:
        name = m.group(1) or m.group(2)
        if name in GRAFANA_VARIABLES:
            return GRAFANA_VARIABLES[name]
        unknown.add(name)
        return m.group(0)

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", repl, expr), unknown


# --- splitting a condition into its operands -----------------------------------

_SET_OPS = ("and", "or", "unless")
_CMP_OPS = ("==", "!=", ">=", "<=", ">", "<")
_MODIFIER = re.compile(r"^\s*(bool\b|(on|ignoring|group_left|group_right)\s*(\([^)]*\))?)\s*")
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def split_condition(expr: str) -> list[str]:
    """Operands of the top-level comparison/set operators of a PromQL expression."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(expr):
        c = expr[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0:
            op = next((o for o in _CMP_OPS if expr.startswith(o, i)), None)
            if op:
                parts.append(expr[start:i])
                i += len(op)
                start = i
                continue
            word = re.match(r"(and|or|unless)\b", expr[i:])
            if word and (i == 0 or not (expr[i - 1].isalnum() or expr[i - 1] == "_")):
                parts.append(expr[start:i])
                i += len(word.group(1))
                start = i
                continue
        i += 1
    parts.append(expr[start:])
    operands = []
    for p in parts:
        while True:  # strip `bool`, `on(...)`, `group_left(...)` after an operator
            m = _MODIFIER.match(p)
            if not m or not m.group(0).strip():
                break
            p = p[m.end():]
        p = p.strip()
        if p and not _NUMBER.match(p):
            operands.append(p)
    return operands


def one_line(expr: str) -> str:
    return " ".join(expr.split())


# --- commands -------------------------------------------------------------------


def cmd_queries(url: str, dashboard_path: str, alerts_path: str) -> int:
    dash = json.load(open(dashboard_path))
    n = 0
    for panel in dash.get("panels", []):
        for t in panel.get("targets", []):
            expr, unknown = substitute(t.get("expr", ""))
            name = f"panel '{panel.get('title')}' {t.get('refId')}"
            if unknown:
                report(False, name, f"unknown Grafana variables {sorted(unknown)}")
                continue
            result, err = query(url, expr)
            n += 1
            report(not err and finite(result), f"{name} returns data ({len(result)} series)",
                   err or f"{'no series' if not result else 'only NaN/Inf'}: {one_line(expr)}")
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        definition, unknown = substitute(var.get("definition", ""))
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\)\s*", definition)
        if unknown or not m:
            report(False, f"variable ${var['name']}", f"unsupported definition {var.get('definition')!r}")
            continue
        result, err = query(url, m.group(1))
        values = sorted({s["metric"].get(m.group(2)) for s in result} - {None})
        report(not err and bool(values), f"variable ${var['name']} has values {values}", err or "none")

    wanted = re.findall(r"^\s*-\s*alert:\s*(\S+)", open(alerts_path).read(), re.M)
    body = api(url, "/api/v1/rules")
    loaded = [r for g in body["data"]["groups"] for r in g["rules"] if r["type"] == "alerting"]
    names = [r["name"] for r in loaded]
    report(sorted(names) == sorted(wanted), f"Prometheus loaded the {len(wanted)} alert rules",
           f"loaded {names}, file has {wanted}")
    for rule in loaded:
        result, err = query(url, rule["query"])
        report(not err, f"alert {rule['name']} evaluates", err)
        for operand in split_condition(rule["query"]):
            result, err = query(url, operand)
            n += 1
            report(not err and finite(result), f"alert {rule['name']}: `{one_line(operand)}` returns data",
                   err or ("no series" if not result else "only NaN/Inf"))
    print(f"# {n} expressions queried", flush=True)
    return 1 if failures else 0


def cmd_wait(url: str, expr: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    last = ""
    while True:  # at least one query, even with timeout 0
        result, err = query(url, expr)
        last = err or str([s.get("value") for s in result][:3])
        if any(float(s["value"][1]) > 0 for s in result if not err):
            return 0
        if time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    print(f"timed out after {timeout:.0f}s waiting for {expr} > 0 (last: {last})", file=sys.stderr)
    return 1


def cmd_wait_alert(url: str, name: str, timeout: float) -> int:
    start = time.monotonic()
    pending_at = None
    while time.monotonic() - start < timeout:
        alerts = [a for a in api(url, "/api/v1/alerts")["data"]["alerts"] if a["labels"].get("alertname") == name]
        states = {a["state"] for a in alerts}
        if "pending" in states and pending_at is None:
            pending_at = time.monotonic() - start
            print(f"# {name} pending after {pending_at:.1f}s", flush=True)
        if "firing" in states:
            labels = next(a["labels"] for a in alerts if a["state"] == "firing")
            summary = next(a["annotations"].get("summary", "") for a in alerts if a["state"] == "firing")
            print(f"# {name} firing after {time.monotonic() - start:.1f}s: {summary} {labels}", flush=True)
            return 0
        time.sleep(0.5)
    print(f"# {name} not firing after {timeout:.0f}s (pending seen: {pending_at is not None})", flush=True)
    return 1


def main() -> int:
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "queries":
        return cmd_queries(*args)
    if cmd == "wait":
        return cmd_wait(args[0], args[1], float(args[2]))
    if cmd == "wait-alert":
        return cmd_wait_alert(args[0], args[1], float(args[2]))
    if cmd == "split":  # debugging aid: print the operands of a condition
        print("\n".join(split_condition(args[0])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
