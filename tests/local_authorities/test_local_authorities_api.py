from __future__ import annotations

import httpx

NOTTS_DISTRICTS = {
    "E07000170": "Ashfield",
    "E07000171": "Bassetlaw",
    "E07000172": "Broxtowe",
    "E07000173": "Gedling",
    "E07000174": "Mansfield",
    "E07000175": "Newark and Sherwood",
    "E07000176": "Rushcliffe",
}


async def test_lists_both_councils_with_their_dfe_numbers(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/local-authorities")
    assert response.status_code == 200
    body = response.json()
    by_code = {la["gss_code"]: la for la in body["items"]}
    assert set(by_code) == {"E06000018", "E10000024"}
    assert by_code["E06000018"]["dfe_la_number"] == 892
    assert by_code["E06000018"]["collects_council_tax"] is True
    assert by_code["E10000024"]["dfe_la_number"] == 891
    assert by_code["E10000024"]["collects_council_tax"] is False
    assert body["next"] is None


async def test_pages_follow_next_links_to_the_end(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/local-authorities", params={"limit": 1})).json()
    assert [la["gss_code"] for la in first["items"]] == ["E06000018"]
    assert first["next"].startswith("/v1/local-authorities?")
    second_response = await client.get(first["next"])
    second = second_response.json()
    assert [la["gss_code"] for la in second["items"]] == ["E10000024"]
    assert second["next"] is None and second["next_cursor"] is None
    assert "link" not in second_response.headers


async def test_the_county_lists_its_seven_districts(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/local-authorities/E10000024")).json()
    assert body["name"] == "Nottinghamshire County Council"
    assert {d["gss_code"]: d["name"] for d in body["districts"]} == NOTTS_DISTRICTS
    assert {d["council_name"] for d in body["districts"]} >= {"Rushcliffe Borough Council"}


async def test_the_city_is_unitary_with_no_districts(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/local-authorities/E06000018")).json()
    assert body["kind"] == "unitary" and body["districts"] == []


async def test_unknown_council_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/local-authorities/E06000099")
    assert response.status_code == 404
    assert response.json()["code"] == "local_authority.not_found"


async def test_a_tampered_cursor_is_a_422_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/local-authorities", params={"cursor": "eyJzIjoibmFtZSJ9"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"
