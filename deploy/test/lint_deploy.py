#!/usr/bin/env python3
"""Consistency checks of deploy/ that need no server: the Grafana dashboard's
structure, metric names against the worker's definitions, alert annotations
against the runbook, Grafana provisioning against docker-compose.yml, and the
Docker build context against the workspace.

Usage: lint_deploy.py REPO_ROOT   (run by deploy/test/static-checks.sh)

The PromQL itself is checked against a live Prometheus and a live worker by
deploy/test/prometheus-e2e.sh; this catches what is cheaper to catch here.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

import tap
from tap import check


# Grafana's built-in variables that may appear in a query.
GRAFANA_BUILTINS = {"__rate_interval", "__interval", "__range", "__range_s", "__interval_ms"}


def defined_metrics(root: Path) -> tuple[set[str], set[str]]:
    """Metric names registered in crates/dateline-worker/src/metrics.rs, and
    which of them are histograms (exported as _bucket/_sum/_count)."""
    src = (root / "crates/dateline-worker/src/metrics.rs").read_text()
    names = set(re.findall(r'"(dateline_[a-z0-9_]+)"', src))
    histograms = set(re.findall(r'histogram\(\s*&r,\s*"(dateline_[a-z0-9_]+)"', src))
    return names, histograms


def used_metrics(text: str) -> set[str]:
    return set(re.findall(r"\b(dateline_[a-z0-9_]+)", text))


def base_name(name: str, histograms: set[str]) -> str:
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and name[: -len(suffix)] in histograms:
            return name[: -len(suffix)]
    return name


def dashboard_checks(root: Path, defined: set[str], histograms: set[str]) -> str:
    path = root / "deploy/grafana/dashboards/dateline.json"
    try:
        dash = json.loads(path.read_text())
        check(True, "dashboard JSON parses")
    except json.JSONDecodeError as e:
        check(False, "dashboard JSON parses", str(e))
        return ""
    check(bool(dash.get("uid")) and bool(dash.get("title")), "dashboard has uid and title", "")
    check(isinstance(dash.get("schemaVersion"), int) and dash["schemaVersion"] >= 36, "dashboard schemaVersion >= 36",
          f"{dash.get('schemaVersion')}")
    panels = dash.get("panels", [])
    ids = [p.get("id") for p in panels]
    check(len(ids) == len(set(ids)) and None not in ids, "panel ids are unique", f"{ids}")
    variables = {v["name"] for v in dash.get("templating", {}).get("list", [])}
    check("datasource" in variables, "a datasource variable picks the Prometheus datasource", f"{variables}")

    # Layout: within 24 columns, no two panels overlap.
    cells: dict[tuple[int, int], str] = {}
    overlaps = []
    for p in panels:
        g = p.get("gridPos", {})
        if g.get("x", 0) + g.get("w", 0) > 24:
            overlaps.append(f"{p.get('title')} wider than the grid")
        for x in range(g.get("x", 0), g.get("x", 0) + g.get("w", 0)):
            for y in range(g.get("y", 0), g.get("y", 0) + g.get("h", 0)):
                if (x, y) in cells:
                    overlaps.append(f"{p.get('title')} overlaps {cells[(x, y)]}")
                cells[(x, y)] = p.get("title", "?")
    check(not overlaps, "panels fit the 24-column grid without overlapping", "; ".join(sorted(set(overlaps))[:5]))

    exprs = []
    for p in panels:
        if p.get("type") == "row":
            continue
        title = p.get("title", "?")
        targets = p.get("targets", [])
        ds = p.get("datasource", {})
        check(ds.get("uid") == "${datasource}" and all(t.get("datasource", ds) == ds for t in targets),
              f"panel '{title}' uses the datasource variable", f"{ds}")
        refs = [t.get("refId") for t in targets]
        check(bool(targets) and all(t.get("expr", "").strip() for t in targets) and len(refs) == len(set(refs)),
              f"panel '{title}' has queries with unique refIds", f"{refs}")
        for t in targets:
            expr = t.get("expr", "")
            exprs.append(expr)
            unknown = {v for v in re.findall(r"\$\{?(\w+)", expr)} - variables - GRAFANA_BUILTINS
            check(not unknown, f"panel '{title}' {t.get('refId')}: variables are defined", f"undefined {unknown}")
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            exprs.append(v.get("definition", ""))

    text = "\n".join(exprs)
    unknown = {m for m in used_metrics(text) if base_name(m, histograms) not in defined}
    check(not unknown, "dashboard uses only metrics the worker defines", f"unknown {sorted(unknown)}")
    return text


def alert_checks(root: Path, defined: set[str], histograms: set[str]) -> str:
    rules = yaml.safe_load((root / "deploy/prometheus/alerts.yml").read_text())
    runbook = (root / "deploy/RUNBOOK.md").read_text()
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-")
               for h in re.findall(r"^#+\s+(.*)$", runbook, re.M)}
    exprs = []
    for group in rules["groups"]:
        for r in group["rules"]:
            if "alert" not in r:
                continue
            name = r["alert"]
            exprs.append(r["expr"])
            ann = r.get("annotations", {})
            check(all(ann.get(k) for k in ("summary", "description", "runbook_url")),
                  f"{name} has summary, description and runbook_url", f"{sorted(ann)}")
            check(r.get("labels", {}).get("severity") in ("warning", "critical"), f"{name} has a severity",
                  f"{r.get('labels')}")
            anchor = ann.get("runbook_url", "").rpartition("#")[2]
            check(anchor == name.lower() and anchor in anchors, f"{name}'s runbook section exists in deploy/RUNBOOK.md",
                  f"anchor {anchor!r}")
            check(re.fullmatch(r"\d+[smh]", str(r.get("for", ""))) is not None, f"{name} has a for: duration",
                  f"{r.get('for')!r}")
    text = "\n".join(exprs)
    unknown = {m for m in used_metrics(text) if base_name(m, histograms) not in defined}
    check(not unknown, "alert rules use only metrics the worker defines", f"unknown {sorted(unknown)}")
    # The e2e test rewrites `for:` lines to seconds; it relies on this layout.
    raw = (root / "deploy/prometheus/alerts.yml").read_text()
    n_for = len(re.findall(r"^\s+for: \d+[smh]$", raw, re.M))
    n_alerts = sum(1 for g in rules["groups"] for r in g["rules"] if "alert" in r)
    check(n_for == n_alerts, "every alert's for: is on its own line", f"{n_for} for: lines, {n_alerts} alerts")
    return text


def provisioning_checks(root: Path) -> None:
    ds = yaml.safe_load((root / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    sources = ds.get("datasources", [])
    check(len(sources) == 1 and sources[0].get("type") == "prometheus" and sources[0].get("uid"),
          "one provisioned Prometheus datasource with a uid", f"{sources}")
    prov = yaml.safe_load((root / "deploy/grafana/provisioning/dashboards/dateline.yml").read_text())
    path = prov["providers"][0]["options"]["path"]
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"].get("volumes", [])
    check(any(m.startswith("./deploy/grafana/dashboards:" + path) for m in mounts),
          "the dashboard provider reads the directory compose mounts", f"provider path {path}, mounts {mounts}")
    home = compose["services"]["grafana"].get("environment", {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", "")
    check(home == f"{path}/dateline.json", "Grafana's home dashboard is dateline.json", home)


def dockerignore_checks(root: Path) -> None:
    """The Dockerfile copies the whole context: nothing cargo needs may be ignored."""
    ignored = [l.strip().rstrip("/") for l in (root / ".dockerignore").read_text().splitlines()
               if l.strip() and not l.startswith("#")]
    cargo = tomllib.loads((root / "Cargo.toml").read_text())
    needed = ["Cargo.toml", "Cargo.lock", "samples"] + cargo["workspace"]["members"]
    clash = [n for n in needed for i in ignored if n == i or n.startswith(i + "/")]
    check(not clash, ".dockerignore keeps every workspace member and build input", f"ignored: {clash}")
    check("target" in ignored and ".kafka-local" in ignored, ".dockerignore excludes target/ and .kafka-local/",
          f"{ignored}")


def main() -> int:
    root = Path(sys.argv[1])
    defined, histograms = defined_metrics(root)
    check(len(defined) >= 19, "worker metric definitions found in metrics.rs", f"{sorted(defined)}")
    dash_text = dashboard_checks(root, defined, histograms)
    alert_text = alert_checks(root, defined, histograms)
    shown = {base_name(m, histograms) for m in used_metrics(dash_text)}
    missing = sorted(defined - shown)
    check(not missing, "every worker metric is on the dashboard", f"not shown: {missing}")
    provisioning_checks(root)
    dockerignore_checks(root)
    print(f"lint-deploy: {tap.passed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
