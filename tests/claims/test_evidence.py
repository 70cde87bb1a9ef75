"""Receipts and quotes: kept by what their bytes are, at most 10 MB, downloaded only by who may read the claim."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from tests.claims.steps import code
from tests.claims.support import claimant, make_claim
from tests.support.world import World

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    claim: str,
    content: bytes,
    name: str = "receipt.pdf",
    media_type: str = "application/pdf",
) -> httpx.Response:
    return await client.post(
        f"/v1/claims/{claim}/evidence",
        files={"file": (name, content, media_type)},
        data={"kind": "receipt"},
        headers=headers,
    )


@pytest.mark.parametrize(
    ("content", "name", "media_type"),
    [
        (PDF, "quote.pdf", "application/pdf"),
        (PNG, "photo.png", "image/png"),
        (JPEG, "photo.jpg", "image/jpeg"),
    ],
)
async def test_a_pdf_or_a_photo_is_kept_and_downloaded_as_it_was(
    content: bytes,
    name: str,
    media_type: str,
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    world: World,
) -> None:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    # The client's word for the type is ignored: the bytes decide.
    r = await upload(client, who.headers, claim["id"], content, name, "application/octet-stream")
    assert r.status_code == 201, r.text
    (kept,) = r.json()["evidence"]
    assert (kept["file_name"], kept["media_type"], kept["size_bytes"]) == (name, media_type, len(content))
    assert kept["sha256"] == hashlib.sha256(content).hexdigest()
    for reader in (who.headers, world.headers("pa_a1"), world.headers("manager_a")):
        got = await client.get(f"/v1/claims/{claim['id']}/evidence/{kept['id']}", headers=reader)
        assert got.status_code == 200
        assert got.content == content
        assert got.headers["content-type"].startswith(media_type)
        assert got.headers["cache-control"] == "no-store"


async def test_text_called_a_pdf_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    r = await upload(client, who.headers, claim["id"], b"Just some text, honest.\n", "receipt.pdf")
    assert code(r) == (422, "claim.evidence_rejected")
    assert code(await upload(client, who.headers, claim["id"], b"")) == (422, "claim.evidence_rejected")
    detail = await client.get(f"/v1/claims/{claim['id']}", headers=who.headers)
    assert detail.json()["evidence"] == []


async def test_a_scan_of_a_few_megabytes_is_kept_and_over_10_mb_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    scan = PDF + bytes(3 * 1024 * 1024)
    r = await upload(client, who.headers, claim["id"], scan)
    assert r.status_code == 201, r.text
    assert r.json()["evidence"][0]["size_bytes"] == len(scan)
    too_big = await upload(client, who.headers, claim["id"], PDF + bytes(10 * 1024 * 1024))
    assert code(too_big) == (413, "claim.evidence_too_large")  # the 10 MB rule, not a smaller body limit
    detail = await client.get(f"/v1/claims/{claim['id']}", headers=who.headers)
    assert len(detail.json()["evidence"]) == 1


async def uploaded(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> tuple[dict[str, Any], str]:
    who = await claimant(session, settings, world)
    claim = await make_claim(client, world.headers("pa_a1"), who.id, 10000)
    r = await upload(client, world.headers("pa_a1"), claim["id"], PDF)
    return claim, r.json()["evidence"][0]["id"]


@pytest.mark.parametrize("actor", ["pa_b1", "admin_county", "leaver_a1"])
async def test_evidence_is_not_found_by_those_who_may_not_read_the_claim(
    actor: str, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    claim, evidence_id = await uploaded(client, session, settings, world)
    got = await client.get(f"/v1/claims/{claim['id']}/evidence/{evidence_id}", headers=world.headers(actor))
    assert got.status_code == 404
    assert PDF not in got.content
    assert (await upload(client, world.headers(actor), claim["id"], PDF)).status_code == 404


async def test_evidence_of_one_claim_is_not_reached_through_another(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    claim, evidence_id = await uploaded(client, session, settings, world)
    other = await make_claim(client, world.headers("pa_a1"), claim["care_leaver_id"], 10000)
    got = await client.get(f"/v1/claims/{other['id']}/evidence/{evidence_id}", headers=world.headers("pa_a1"))
    assert code(got) == (404, "claim.evidence_not_found")
