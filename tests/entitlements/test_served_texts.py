"""Every text the service serves cites sources a user can read: the Act, regulation, guidance or council
document itself, never one of this project's files (its working notes, or the file names of the council
documents it was set up from).

It walks what users are given: both councils' public offers (whole, listed and one by one), eligibility
answers across many sets of facts, a young person's own entitlements, the contact policies, the OpenAPI
document (every description and example) and the demo data set's words.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.entitlements.test_eligibility_table import CASES
from tests.support.world import World

# Our files, as a user would meet them: the notes by name, any Markdown file, the shared folder, and
# "seed 001" (how the council documents were named inside the project).
OUR_FILES = re.compile(r"statute\.md|brief\.md|\.md\b|shared/|\bseeds?\s*0\d\d", re.IGNORECASE)
COUNCILS = ("E06000018", "E10000024")
ROOT = Path(__file__).resolve().parents[2]


def strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON document (keys included), with where it is."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}/{key}", str(key)
            yield from strings(item, f"{where}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{where}/{index}")


def citing_our_files(document: Any, label: str) -> list[str]:
    return [f"{label}{where}: {text!r}" for where, text in strings(document) if OUR_FILES.search(text)]


def test_the_pattern_finds_what_the_seeded_texts_used_to_say() -> None:
    for cited in (
        "(STATUTE.md section 4)",
        "BRIEF.md; seed 003 para 1.7",
        "../shared/domain/seeds/001_e007e8d9b073f7e7.txt",
        "as set out in seeds 000 and 003.",
        "see README.md",
    ):
        assert OUR_FILES.search(cited), cited
    for fine in ("Care Leavers (England) Regulations 2010 reg 8", "Children Act 1989 s23C(5A)", "seeded"):
        assert not OUR_FILES.search(fine), fine


async def _all_pages(client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None) -> list[Any]:
    pages = []
    while url:
        response = await client.get(url, headers=headers or {})
        assert response.status_code == 200, (url, response.text)
        pages.append(response.json())
        url = response.json()["next"]
    return pages


@pytest.mark.parametrize("gss", COUNCILS)
async def test_each_council_s_public_offer_cites_only_readable_sources(
    client: httpx.AsyncClient, gss: str
) -> None:
    base = f"/v1/local-authorities/{gss}"
    offer = (await client.get(f"{base}/offer")).json()
    found = citing_our_files(offer, "offer")
    assert offer["entitlements"]
    for page in await _all_pages(client, f"{base}/entitlements?limit=5"):
        found += citing_our_files(page, "entitlements")
    for entitlement in offer["entitlements"]:
        one = await client.get(f"{base}/entitlements/{entitlement['code']}")
        found += citing_our_files(one.json(), f"entitlements/{entitlement['code']}")
        for source in entitlement["sources"]:
            # A link, when there is one, is to where anyone can read the document.
            assert source["document"] is None or source["document"].startswith("https://"), source
    assert found == []


# Beyond the table's cases: nothing known, and each status on its own, so that every condition's
# unknown, passed and failed sentences are given at least once.
EXTRA_FACTS = [
    {},
    *({"legal_status": s} for s in ("eligible", "relevant", "former_relevant", "qualifying")),
    {"date_of_birth": "2004-03-01", "still_looked_after": False, "left_care_on": "2022-03-01"},
    {"date_of_birth": "2009-06-01", "still_looked_after": True, "looked_after_weeks_since_14": 20},
]


async def test_eligibility_answers_across_many_facts_cite_only_readable_sources(
    client: httpx.AsyncClient,
) -> None:
    asked = [(c.council, c.on, c.facts) for c in CASES]
    asked += [(gss, "2026-11-23", facts) for gss in COUNCILS for facts in EXTRA_FACTS]
    found: list[str] = []
    reasons = 0
    for gss, on, facts in asked:
        response = await client.post(
            "/v1/eligibility/check", json={"local_authority": gss, "on": on, "facts": facts}
        )
        assert response.status_code == 200, (facts, response.text)
        found += citing_our_files(response.json(), f"check {gss} {on} {facts}")
        reasons += sum(len(r["reasons"]) for r in response.json()["results"])
    assert len(asked) > 60 and reasons > 1000  # a walk over many answers, not a handful
    assert found == []


async def test_a_young_person_s_own_entitlements_cite_only_readable_sources(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/v1/me/entitlements", headers=world.headers("leaver_a1"))
    assert response.status_code == 200, response.text
    assert citing_our_files(response.json(), "me/entitlements") == []


@pytest.mark.parametrize("admin", ["admin_city", "admin_county"])
async def test_contact_policies_cite_only_readable_sources(
    client: httpx.AsyncClient, world: World, admin: str
) -> None:
    response = await client.get("/v1/contact-policies", headers=world.headers(admin))
    assert response.status_code == 200, response.text
    assert all(band["source"] for band in response.json()["bands"])
    assert citing_our_files(response.json(), "contact-policies") == []


async def test_the_openapi_document_cites_only_readable_sources(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    assert citing_our_files(document, "openapi") == []


def test_the_demo_data_set_cites_only_readable_sources() -> None:
    # The demo data's words are served to anyone trying the service in demo mode.
    found = []
    for path in sorted((ROOT / "app" / "demo").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and OUR_FILES.search(node.value)
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []
