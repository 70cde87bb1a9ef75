"""The committed contract lints clean under Redocly's `recommended` rules.

Zero errors, and no warning beyond the two the contract accepts on purpose: it names no licence (the
councils have not chosen one), and the health probes answer 200 or 503 with no client error to
document. Any other warning, e.g. an example that contradicts its schema, fails here.
"""

from __future__ import annotations

import json

import pytest

from tests.support.contract_tools import CONTRACT, node_tool, run_tool

pytestmark = pytest.mark.slow

ACCEPTED_WARNINGS = {
    ("info-license", "#/info"),
    ("operation-4xx-response", "#/paths/~1health~1live/get/responses"),
    ("operation-4xx-response", "#/paths/~1health~1ready/get/responses"),
}


def test_the_contract_lints_clean_under_redocly_recommended() -> None:
    result = run_tool(
        [
            node_tool("redocly"),
            "lint",
            "--extends",
            "recommended",
            "--format",
            "json",
            "--max-problems",
            "10000",
            CONTRACT,
        ]
    )
    report = json.loads(result.stdout)
    problems = [
        (p["severity"], p["ruleId"], p["location"][0]["pointer"], p["message"]) for p in report["problems"]
    ]
    errors = [p for p in problems if p[0] == "error"]
    assert not errors, "\n".join(map(str, errors))
    warnings = {(rule, pointer) for _, rule, pointer, _ in problems}
    assert warnings == ACCEPTED_WARNINGS, "\n".join(map(str, sorted(warnings ^ ACCEPTED_WARNINGS)))
    assert result.returncode == 0, result.stderr[-2000:]
