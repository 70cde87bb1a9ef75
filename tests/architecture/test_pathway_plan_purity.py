"""Pathway plans' review rules and lifecycle are pure: the standard library, `app.core.dates` and the
domain's own enums (themselves standard library only). import-linter forbids the web, database and
clock layers (pyproject.toml); this test is stricter and forbids everything else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PLANS = Path(__file__).resolve().parents[2] / "app" / "pathway_plans"
ALLOWED = {"app.core.dates", "app.pathway_plans.enums"}


@pytest.mark.parametrize("module", ["reviews.py", "lifecycle.py", "enums.py"])
def test_imports_only_the_standard_library_dates_and_enums(module: str) -> None:
    for node in ast.walk(ast.parse((PLANS / module).read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names or name in ALLOWED, (
                f"{module} imports {name}"
            )
