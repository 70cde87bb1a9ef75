"""The published offer over HTTP: complete, cited, paginated, and cheap to poll (ETag, 304)."""

from __future__ import annotations

import httpx
import pytest

from app.core.clock import uk_today
from app.entitlements.schemas import EntitlementRead, OfferRead

COUNTY_OFFER = "/v1/local-authorities/E10000024/offer"
COUNTY_ENTITLEMENTS = "/v1/local-authorities/E10000024/entitlements"
COUNTY_CODES = {
    "setting-up-home-allowance",
    "council-tax-exemption",
    "housing-costs-one-bedroom-rate",
    "staying-put",
    "personal-adviser",
    "personal-adviser-21-to-25",
    "higher-education-bursary",
    "vacation-accommodation",
    "growing-lives",
    "ntu-care-leavers-bursary",
    "sixteen-to-nineteen-bursary",
    "apprenticeship-bursary",
    "leisure-pass",
    "personal-health-budget",
    "free-prescriptions-dental-eye-care",
}


async def test_the_offer_is_public_and_complete(client: httpx.AsyncClient) -> None:
    response = await client.get(COUNTY_OFFER)
    assert response.status_code == 200
    offer = OfferRead.model_validate(response.json())
    assert offer.local_authority.name == "Nottinghamshire County Council"
    assert offer.version == 1
    assert {e.code for e in offer.entitlements} == COUNTY_CODES
    assert response.headers["last-modified"] == "Mon, 23 Nov 2026 00:00:00 GMT"
    assert response.headers["cache-control"] == "public, no-cache"


async def test_an_unchanged_offer_answers_304_with_no_body(client: httpx.AsyncClient) -> None:
    first = await client.get(COUNTY_OFFER)
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong: a hash of the bytes
    again = await client.get(COUNTY_OFFER, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["last-modified"] == first.headers["last-modified"]
    for header in (f"W/{etag}", f'"other", {etag}', "*"):
        assert (await client.get(COUNTY_OFFER, headers={"If-None-Match": header})).status_code == 304
    stale = await client.get(COUNTY_OFFER, headers={"If-None-Match": '"0123"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_if_modified_since_is_honoured_when_there_is_no_etag(client: httpx.AsyncClient) -> None:
    modified = (await client.get(COUNTY_OFFER)).headers["last-modified"]
    assert (await client.get(COUNTY_OFFER, headers={"If-Modified-Since": modified})).status_code == 304
    earlier = "Sun, 22 Nov 2026 00:00:00 GMT"
    assert (await client.get(COUNTY_OFFER, headers={"If-Modified-Since": earlier})).status_code == 200
    assert (await client.get(COUNTY_OFFER, headers={"If-Modified-Since": "yesterday"})).status_code == 200


async def test_the_councils_offers_differ(client: httpx.AsyncClient) -> None:
    city = (await client.get("/v1/local-authorities/E06000018/offer")).json()
    county = (await client.get(COUNTY_OFFER)).json()
    city_codes = {e["code"] for e in city["entitlements"]}
    assert "travel-card" in city_codes and "leisure-pass" not in city_codes
    assert {"setting-up-home-allowance", "council-tax-exemption", "higher-education-bursary"} <= city_codes
    by_code = {e["code"]: e for e in county["entitlements"]}
    assert by_code["setting-up-home-allowance"]["title"] == "Home Establishment Grant"
    assert by_code["council-tax-exemption"]["provider"]["kind"] == "district_council"


async def test_entitlements_page_in_code_order_to_the_end(client: httpx.AsyncClient) -> None:
    codes: list[str] = []
    url: str | None = f"{COUNTY_ENTITLEMENTS}?limit=4"
    pages = 0
    while url is not None:
        response = await client.get(url)
        assert response.status_code == 200
        body = response.json()
        codes += [item["code"] for item in body["items"]]
        assert body["limit"] == 4
        assert ("link" in response.headers) == (body["next"] is not None)
        url = body["next"]
        pages += 1
    assert codes == sorted(COUNTY_CODES)
    assert pages == 4


async def test_entitlements_filter_by_category(client: httpx.AsyncClient) -> None:
    body = (await client.get(COUNTY_ENTITLEMENTS, params={"category": "money"})).json()
    assert [item["code"] for item in body["items"]] == ["council-tax-exemption", "setting-up-home-allowance"]
    bad = await client.get(COUNTY_ENTITLEMENTS, params={"category": "sweets"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "category"


async def test_one_entitlement_with_its_dated_amounts_and_sources(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/local-authorities/E06000018/entitlements/setting-up-home-allowance")
    assert response.status_code == 200
    suha = EntitlementRead.model_validate(response.json())
    [amount] = suha.parameters
    assert amount.basis == "setting_up_home_on"  # the amount in force when they set up home
    assert [(v.effective_from.isoformat(), v.value, v.display) for v in amount.values] == [
        ("2018-11-01", 200000, "£2,000"),
        ("2023-04-01", 300000, "£3,000"),
    ]
    cited = {s.id for s in suha.sources}
    assert all(v.source in cited for v in amount.values)
    assert all(s.last_checked.isoformat() == "2026-11-23" for s in suha.sources)
    etag = response.headers["etag"]
    again = await client.get(
        "/v1/local-authorities/E06000018/entitlements/setting-up-home-allowance",
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304


async def test_list_pages_have_their_own_etags(client: httpx.AsyncClient) -> None:
    first = await client.get(COUNTY_ENTITLEMENTS, params={"limit": 2})
    second = await client.get(first.json()["next"])
    assert first.headers["etag"] != second.headers["etag"]
    repeat = await client.get(
        COUNTY_ENTITLEMENTS, params={"limit": 2}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert repeat.status_code == 304


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/local-authorities/E06000099/offer", 404, "local_authority.not_found"),
        ("/v1/local-authorities/E10000024/entitlements/free-sweets", 404, "entitlement.not_found"),
        ("/v1/local-authorities/E10000024/entitlements/Not_A_Code", 422, "request.validation_failed"),
        ("/v1/local-authorities/E10000024/offer?on=2024-05-01", 404, "offer.not_published"),
        ("/v1/local-authorities/E10000024/offer?on=0001-01-01", 422, "request.validation_failed"),
        (
            "/v1/local-authorities/E10000024/entitlements?cursor=eyJzIjoibmFtZSJ9",
            422,
            "request.invalid_cursor",
        ),
    ],
)
async def test_bad_requests_are_problems_never_500s(
    client: httpx.AsyncClient, path: str, status: int, code: str
) -> None:
    response = await client.get(path)
    assert response.status_code == status
    assert response.json()["code"] == code


async def test_the_check_defaults_to_today_in_the_uk_and_reports_its_version(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/eligibility/check", json={"local_authority": "E10000024"})
    assert response.status_code == 200
    body = response.json()
    assert body["on"] == uk_today().isoformat()
    assert body["offer_version"] == 1
    assert len(body["results"]) == len(COUNTY_CODES)
    # Knowing nothing, nothing is eligible, and every answer says what it needs.
    assert {r["outcome"] for r in body["results"]} == {"unknown"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"local_authority": "E10000024", "facts": {"shoe_size": 9}}, 422, "facts.shoe_size"),
        (
            {"local_authority": "E10000024", "facts": {"legal_status": "care_leaver"}},
            422,
            "facts.legal_status",
        ),
        (
            {"local_authority": "E10000024", "facts": {"date_of_birth": "0001-01-01"}},
            422,
            "facts.date_of_birth",
        ),
        (
            {"local_authority": "E10000024", "facts": {"weekly_work_hours": -1}},
            422,
            "facts.weekly_work_hours",
        ),
        (
            {"local_authority": "E10000024", "on": "2020-01-01", "facts": {"date_of_birth": "2021-01-01"}},
            422,
            "facts.date_of_birth",
        ),
        (
            {
                "local_authority": "E10000024",
                "facts": {"date_of_birth": "2005-01-01", "left_care_on": "2004-01-01"},
            },
            422,
            "facts.left_care_on",
        ),
        ({"local_authority": "E06000099"}, 404, None),
    ],
)
async def test_the_check_refuses_what_it_cannot_answer(
    client: httpx.AsyncClient, body: dict[str, object], status: int, field: str | None
) -> None:
    response = await client.post("/v1/eligibility/check", json=body)
    assert response.status_code == status, response.text
    if field is not None:
        assert field in [e["field"] for e in response.json()["errors"]]
