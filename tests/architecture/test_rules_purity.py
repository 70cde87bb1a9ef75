"""The eligibility engine is pure: standard library only, and it speaks the same facts as the API.

import-linter forbids the web, database and settings layers (pyproject.toml); this test is
stricter and forbids everything outside the standard library and the engine's own package.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from app.entitlements.enums import ImmigrationStatus, LegalStatusName, University
from app.entitlements.rules.facts import FACTS, IMMIGRATION_STATUS_WORDS, UNIVERSITY_WORDS, LegalStatus
from app.entitlements.schemas import Facts

RULES = Path(__file__).resolve().parents[2] / "app" / "entitlements" / "rules"


# Ages are counted once for the whole service, in a module that is itself standard library only.
SHARED = {"app.core.dates"}


def test_the_engine_imports_only_the_standard_library_and_itself() -> None:
    for path in [*sorted(RULES.glob("*.py")), RULES.parents[1] / "core" / "dates.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = (
                    top in sys.stdlib_module_names
                    or name.startswith("app.entitlements.rules")
                    or name in SHARED
                )
                assert allowed, f"{path.name} imports {name}"


def test_the_api_facts_are_the_engines_facts() -> None:
    assert set(Facts.model_fields) == set(FACTS)
    assert {s.value for s in LegalStatusName} == set(LegalStatus.ALL)
    assert {s.value for s in ImmigrationStatus} == set(IMMIGRATION_STATUS_WORDS)
    assert {u.value for u in University} == set(UNIVERSITY_WORDS)
