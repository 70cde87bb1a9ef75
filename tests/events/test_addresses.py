"""Outside development and tests a webhook goes only to public internet addresses: a partner cannot point
the worker at the council's own network, when subscribing or later by changing where its name points."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.core.settings import Environment, Settings
from app.events import addresses
from app.events.worker import Job, deliver
from tests.support.world import World


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("10.0.0.5", False),
        ("192.168.1.20", False),
        ("169.254.169.254", False),  # cloud metadata
        ("127.0.0.1", False),
        ("[::1]", False),
        ("localhost", False),
        ("no-such-host.invalid", False),  # unknown names are refused, not tried
    ],
)
async def test_only_public_internet_addresses_are_receivers(host: str, public: bool) -> None:
    assert await addresses.public_host(host) is public


async def test_a_subscription_to_a_private_address_is_refused_in_production(
    client_with: object, world: World
) -> None:
    async with client_with(environment="production") as prod:  # type: ignore[operator]
        for url in (
            "https://169.254.169.254/latest/meta-data",
            "https://10.1.2.3/hooks",
            "https://localhost/x",
        ):
            r = await prod.post(
                "/v1/webhook-subscriptions",
                json={"url": url, "event_types": ["claim.submitted"]},
                headers=world.headers("admin_city"),
            )
            assert r.status_code == 422, (url, r.text)
            assert r.json()["errors"][0]["field"] == "url"
        public = await prod.post(
            "/v1/webhook-subscriptions",
            json={"url": "https://8.8.8.8/hooks", "event_types": ["claim.submitted"]},
            headers=world.headers("admin_city"),
        )
        assert public.status_code == 201, public.text


async def test_the_worker_does_not_send_to_a_name_that_now_resolves_to_a_private_address() -> None:
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    job = Job(
        delivery_id=uuid.uuid4(),
        event_id=str(uuid.uuid4()),
        url="https://localhost/hooks",
        body=b"{}",
        secrets=["whsec_" + "A" * 32],
        attempts=1,
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as http:
        production = Settings(environment=Environment.PRODUCTION, secret_key="x" * 64)
        refused = await deliver(http, production, job)
        assert not refused.delivered and refused.error is not None and "public" in refused.error
        assert sent == []
        allowed = await deliver(http, Settings(environment=Environment.TEST), job)
        assert allowed.delivered and len(sent) == 1
