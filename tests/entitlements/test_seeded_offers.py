"""The seeded offers: every entitlement the sources give each council, every figure cited and dated."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.entitlements.schemas import OfferRead

CITY_CODES = {
    "setting-up-home-allowance",
    "council-tax-exemption",
    "housing-costs-one-bedroom-rate",
    "staying-put",
    "personal-adviser",
    "personal-adviser-21-to-25",
    "higher-education-bursary",
    "higher-education-living-allowance",
    "vacation-accommodation",
    "growing-lives",
    "ntu-care-leavers-bursary",
    "sixteen-to-nineteen-bursary",
    "apprenticeship-bursary",
    "council-apprenticeship-interview",
    "interview-travel-and-clothing",
    "travel-card",
    "personal-health-budget",
    "free-prescriptions-dental-eye-care",
}
COUNTY_ONLY = {"leisure-pass"}
CITY_ONLY = {
    "higher-education-living-allowance",
    "council-apprenticeship-interview",
    "interview-travel-and-clothing",
    "travel-card",
}
COUNTY_CODES = (CITY_CODES - CITY_ONLY) | COUNTY_ONLY


async def offer(client: httpx.AsyncClient, gss: str) -> OfferRead:
    return OfferRead.model_validate((await client.get(f"/v1/local-authorities/{gss}/offer")).json())


@pytest.mark.parametrize(("gss", "codes"), [("E06000018", CITY_CODES), ("E10000024", COUNTY_CODES)])
async def test_each_council_offers_what_its_sources_list(
    client: httpx.AsyncClient, gss: str, codes: set[str]
) -> None:
    assert {e.code for e in (await offer(client, gss)).entitlements} == codes


def _conditions(node: dict[str, Any]) -> list[dict[str, Any]]:
    children = node.get("all") or node.get("any") or ([node["not"]] if "not" in node else [])
    return [node, *(c for child in children for c in _conditions(child))]


@pytest.mark.parametrize("gss", ["E06000018", "E10000024"])
async def test_every_rule_and_figure_names_a_source_checked_on_a_date(
    client: httpx.AsyncClient, gss: str
) -> None:
    for entitlement in (await offer(client, gss)).entitlements:
        cited = {s.id for s in entitlement.sources}
        assert cited, entitlement.code
        for source in entitlement.sources:
            assert source.citation and source.last_checked, (entitlement.code, source.id)
            assert source.document is None or source.document.startswith("https://"), source
        for condition in _conditions(entitlement.rule):
            assert condition.get("source", next(iter(cited))) in cited, entitlement.code
        for parameter in entitlement.parameters:
            assert all(value.source in cited for value in parameter.values), (
                entitlement.code,
                parameter.name,
            )
        if entitlement.amount is not None:
            assert entitlement.amount.parameter in {p.name for p in entitlement.parameters}


def _values(read: OfferRead, code: str) -> list[tuple[str, int]]:
    entitlement = next(e for e in read.entitlements if e.code == code)
    money = next(p for p in entitlement.parameters if p.unit == "pence")
    return [(v.effective_from.isoformat(), v.value) for v in money.values]


async def test_the_figures_are_the_ones_the_sources_give(client: httpx.AsyncClient) -> None:
    city, county = await offer(client, "E06000018"), await offer(client, "E10000024")
    # STATUTE.md section 4 and seed 000: £2,000, then £3,000 from 1 April 2023.
    assert _values(city, "setting-up-home-allowance") == [("2018-11-01", 200000), ("2023-04-01", 300000)]
    assert _values(county, "setting-up-home-allowance") == [("2019-04-08", 200000), ("2023-04-01", 300000)]
    # STATUTE.md section 4: £1,000, then £3,000 for apprenticeships starting from 1 August 2023.
    assert _values(county, "apprenticeship-bursary") == [("2018-08-01", 100000), ("2023-08-01", 300000)]
    assert _values(city, "higher-education-bursary") == [("2018-11-01", 200000)]  # CA89 s23C(5A)
    assert _values(county, "sixteen-to-nineteen-bursary") == [("2019-04-08", 120000)]
    assert _values(county, "personal-health-budget") == [("2019-04-08", 50000)]  # seed 001 para 27
    assert _values(county, "ntu-care-leavers-bursary") == [("2019-04-08", 100000)]  # seed 001 para 39
    assert _values(city, "growing-lives") == [("2018-11-01", 50000)]  # seed 000
    leisure = next(e for e in county.entitlements if e.code == "leisure-pass")
    assert (
        leisure.available_from is not None and leisure.available_from.isoformat() == "2019-07-01"
    )  # seed 001
