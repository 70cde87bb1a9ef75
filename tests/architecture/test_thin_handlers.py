"""Thin handlers: each parses the request, makes ONE call to its domain's use cases and returns the view
that call built. Loading the person, then acting on them, is the use case's job, not the router's; so is
reading the clock (the age, the status and the report all turn on today's date)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUTERS = ["app/care_leavers/router.py", "app/care_leavers/episodes_router.py", "app/advisers/router.py"]
METHODS = {"get", "post", "put", "patch", "delete"}
CLOCK = {"uk_today", "utc_now"}


def handlers(source: str) -> list[ast.AsyncFunctionDef]:
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.AsyncFunctionDef)
        and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in METHODS
            for d in node.decorator_list
        )
    ]


def use_case_calls(handler: ast.AsyncFunctionDef) -> list[str]:
    """What the handler awaits, except reading its own request (an upload's bytes)."""
    arguments = handler.args.args + handler.args.kwonlyargs
    request_parts = {a.arg for a in arguments} - {"session"}
    calls = []
    for node in ast.walk(handler):
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in request_parts
        ):
            continue
        calls.append(ast.unparse(func))
    return calls


@pytest.mark.parametrize("path", ROUTERS)
def test_every_handler_makes_one_use_case_call(path: str) -> None:
    found = handlers((ROOT / path).read_text())
    assert found, f"no handlers found in {path}"
    several = {h.name: calls for h in found if len(calls := use_case_calls(h)) != 1}
    assert several == {}, f"{path}: handlers that make other than one use-case call: {several}"


@pytest.mark.parametrize("path", ROUTERS)
def test_no_handler_reads_the_clock(path: str) -> None:
    tree = ast.parse((ROOT / path).read_text())
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        alias.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for alias in n.names
    }
    assert not used & CLOCK, f"{path} reads the clock: {sorted(used & CLOCK)}"


def test_the_check_sees_a_handler_that_loads_then_acts() -> None:
    """The check itself can fail: the shape this file exists to forbid is caught."""
    source = """
@router.patch("/{care_leaver_id}")
async def update_care_leaver(care_leaver_id, body, principal, session):
    person, scope = await service.load_for_write(session, principal, care_leaver_id)
    return await service.update_care_leaver(session, principal, person, body)


@router.post("/imports")
async def import_care_leavers(file, principal, session):
    raw = await file.read(10)
    return await imports.import_care_leavers(session, principal, raw)
"""
    calls = {h.name: use_case_calls(h) for h in handlers(source)}
    assert calls == {
        "update_care_leaver": ["service.load_for_write", "service.update_care_leaver"],
        "import_care_leavers": ["imports.import_care_leavers"],
    }
