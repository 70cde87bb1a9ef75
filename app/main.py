"""The ASGI application: `app.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import __version__
from app.advisers.router import allocations_router as adviser_allocations_router
from app.advisers.router import router as advisers_router
from app.api import health
from app.api.docs import install_docs
from app.api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from app.api.openapi import CONTACT, DESCRIPTION, TAGS, install_openapi, operation_id
from app.api.problems import install_problem_handlers
from app.audit.router import router as audit_router
from app.auth.clients_router import router as partner_clients_router
from app.auth.jwks import JwksCache
from app.auth.router import accounts_router
from app.auth.router import public_router as auth_public_router
from app.auth.router import router as auth_router
from app.care_leavers.episodes_router import router as care_episodes_router
from app.care_leavers.router import details_router as care_leaver_details_router
from app.care_leavers.router import router as care_leavers_router
from app.claims.router import router as claims_router
from app.contacts.router import router as contacts_router
from app.core.logging import configure_logging
from app.core.settings import Settings, get_settings
from app.db.engine import create_engine_for
from app.db.session import Database
from app.decisions.router import me_router as care_leaver_me_router
from app.decisions.router import record_router as care_leaver_entitlements_router
from app.devices.router import router as devices_router
from app.entitlements.drafts_router import router as offer_drafts_router
from app.entitlements.fast_path import PublishedOfferMiddleware
from app.entitlements.published import CurrentOffers
from app.entitlements.router import router as entitlements_router
from app.events.router import router as webhooks_router
from app.letters.router import jwks_router as letter_keys_router
from app.letters.router import public_router as status_letters_public_router
from app.letters.router import router as status_letters_router
from app.local_authorities.router import router as local_authorities_router
from app.notifications.router import router as notifications_router
from app.partners.router import me_router as council_tax_me_router
from app.partners.router import record_router as council_tax_record_router
from app.partners.router import reports_router as council_tax_reports_router
from app.partners.router import router as partners_router
from app.partners.status_router import router as status_checks_router
from app.partners.universities_router import router as university_students_router
from app.pathway_plans.router import router as pathway_plans_router
from app.sync.router import router as sync_router
from app.wiring import wire

ROUTERS = [
    health.router,
    auth_public_router,
    auth_router,
    local_authorities_router,
    entitlements_router,
    offer_drafts_router,
    care_leavers_router,
    adviser_allocations_router,
    care_leaver_details_router,
    care_leaver_entitlements_router,
    care_leaver_me_router,
    care_episodes_router,
    advisers_router,
    contacts_router,
    pathway_plans_router,
    claims_router,
    status_letters_router,
    status_letters_public_router,
    letter_keys_router,
    partners_router,
    status_checks_router,
    university_students_router,
    webhooks_router,
    council_tax_record_router,
    council_tax_me_router,
    sync_router,
    council_tax_reports_router,
    notifications_router,
    accounts_router,
    devices_router,
    partner_clients_router,
    audit_router,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    wire()  # every domain hears about the changes it depends on, whatever was imported
    db = Database(create_engine_for(settings))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await _app.state.db.dispose()

    app = FastAPI(
        title="Local Offer API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        contact=CONTACT,
        servers=[{"url": settings.public_base_url, "description": "This deployment"}],
        docs_url=None,  # served from local assets by install_docs
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        separate_input_output_schemas=False,
        # FastAPI's native OpenTelemetry looks up the global tracer, meter and logger providers on every
        # request to see whether any is configured (about 20 us of a 100 us /health/live, issue 12). This
        # service exports no OpenTelemetry; its record of requests is the JSON access log.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.db = db
    app.state.jwks = JwksCache()
    app.state.current_offers = CurrentOffers()
    for router in ROUTERS:
        app.include_router(router)
    install_problem_handlers(app)
    install_openapi(app)
    install_docs(app)
    # Innermost: the public offer from memory, answered with every header the layers below add.
    app.add_middleware(PublishedOfferMiddleware, offers=app.state.current_offers)
    # Added before the request context, so it runs inside it: a refused body still gets a request id.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        upload_suffixes=("/imports", "/care-episode-imports", "/evidence"),
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "Last-Modified", "Link", "Location", "Retry-After", "X-Request-ID"],
        )
    # The client address is the peer's unless the peer is a configured proxy (none by default, and then
    # there is nothing to rewrite: no layer at all).
    if settings.trusted_proxy_hosts:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_hosts)
    # Added last, so it is outermost: every response gets its request id and privacy headers, whatever
    # answered it (a CORS preflight too).
    app.add_middleware(RequestContextMiddleware)
    return app


app = create_app()
