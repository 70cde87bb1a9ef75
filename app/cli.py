"""Management commands: `python -m app --help`."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from alembic import command
from alembic.config import Config
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import clients, invitations, throttle
from app.contacts.due_dates import refresh_council, refresh_every_council
from app.core.clock import uk_today, utc_now
from app.core.settings import PROJECT_ROOT, Settings, get_settings
from app.db.engine import create_engine_for
from app.db.idempotency import prune as prune_keys
from app.db.session import Database
from app.decisions.repository import DecisionRepository
from app.decisions.service import BATCH, recompute_council, refresh_people
from app.demo.loader import demo_steps, load_demo_data
from app.letters import keys as letter_keys
from app.local_authorities.repository import LocalAuthorityRepository
from app.notifications import service as notification_service
from app.partners import notices
from app.partners.months import Period
from app.partners.service import parse_month
from app.sync import service as sync
from app.wiring import wire

cli = typer.Typer(help="Local Offer API management commands.", no_args_is_help=True, add_completion=False)
cli.callback()(wire)  # before any command runs: every domain hears about record changes
console = Console(stderr=True)

OPENAPI_PATH = PROJECT_ROOT / "openapi" / "openapi.json"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


@cli.command()
def migrate(
    revision: Annotated[str, typer.Option(help="Target revision; 'head' for the newest")] = "head",
) -> None:
    """Upgrade the database schema (creating the SQLite file if needed), printing each step. At head,
    care leavers recorded before decisions were stored get theirs, so the lists are never empty after
    an upgrade (one query when there are none)."""
    command.upgrade(alembic_config(), revision)
    console.print(f"[green]Database at {revision}.[/green]")
    if revision == "head":
        count = asyncio.run(_in_unit_of_work(get_settings(), _store_missing_decisions))
        if count:
            console.print(f"[green]Decisions stored for {count} care leavers recorded before them.[/green]")


async def _store_missing_decisions(session: AsyncSession) -> int:
    ids = await DecisionRepository(session).people_without_decisions()
    with Progress(TextColumn("Storing decisions"), BarColumn(), console=console, transient=True) as progress:
        task = progress.add_task("", total=len(ids))
        for start in range(0, len(ids), BATCH):
            await refresh_people(session, ids[start : start + BATCH])
            progress.update(task, completed=min(start + BATCH, len(ids)))
    return len(ids)


@cli.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; 'base' empties the database")],
) -> None:
    """Downgrade the database schema to REVISION."""
    command.downgrade(alembic_config(), revision)
    console.print(f"[green]Database at {revision}.[/green]")


async def _in_unit_of_work(settings: Settings, work: Callable[[AsyncSession], Awaitable[int]]) -> int:
    """Run `work` in one unit of work on the configured database (committed if it returns)."""
    database = Database(create_engine_for(settings))
    try:
        async with database.unit_of_work() as session:
            return await work(session)
    finally:
        await database.dispose()


@cli.command("refresh-contact-dates")
def refresh_contact_dates() -> None:
    """Recompute every care leaver's last contact and next-contact date from the contact log and each
    council's policy. Run once after upgrading a database that already holds records."""
    settings = get_settings()

    count = asyncio.run(_in_unit_of_work(settings, refresh_every_council))
    console.print(f"[green]Next-contact dates recomputed for {count} care leavers.[/green]")


decisions_cli = typer.Typer(help="Stored entitlement decisions.", no_args_is_help=True)
cli.add_typer(decisions_cli, name="decisions")


@decisions_cli.command("recompute")
def recompute_decisions(
    council: Annotated[
        str | None, typer.Option(help="GSS code of one council (default: every council)")
    ] = None,
) -> None:
    """Recompute every care leaver's stored decisions from their records and the published offers (after
    an upgrade, or to repair), then their next-contact dates. Publishing an offer version does this for
    its council by itself."""
    settings = get_settings()

    async def work(session: AsyncSession) -> int:
        councils = await DecisionRepository(session).councils(council)
        if council is not None and not councils:
            console.print(f"[red]No council has the GSS code {council}.[/red]")
            raise typer.Exit(code=2)
        total = 0
        with Progress(TextColumn("{task.description}"), BarColumn(), console=console) as progress:
            for la_id, name in councils:
                task = progress.add_task(name, total=None)

                def advance(done: int, count: int, task: object = task) -> None:
                    progress.update(task, completed=done, total=count)  # type: ignore[arg-type]

                total += await recompute_council(session, la_id, progress=advance)
                await refresh_council(session, la_id)  # the duty to keep in touch is a decision
        return total

    count = asyncio.run(_in_unit_of_work(settings, work))
    console.print(f"[green]Decisions recomputed for {count} care leavers.[/green]")


@cli.command("rotate-letter-key")
def rotate_letter_key(
    council: Annotated[str, typer.Option(help="GSS code of the council, e.g. E06000018")],
) -> None:
    """Give a council a new status-letter signing key. New letters are signed with it; the old key stays
    published at /.well-known/jwks.json until every letter it signed has expired (90 days). Run it on a
    schedule, if a key may have leaked, and after changing LOCAL_OFFER_SECRET_KEY (which seals the keys)."""
    settings = get_settings()

    async def work(session: AsyncSession) -> int:
        la = await LocalAuthorityRepository(session).get_by_gss_code(council)
        if la is None:
            console.print(f"[red]No council has the GSS code {council}.[/red]")
            raise typer.Exit(code=2)
        key = await letter_keys.rotate(session, settings.signing_key, la.id, la.gss_code, utc_now())
        console.print(f"[green]{la.name} now signs letters with key {key.kid}.[/green]")
        return 1

    asyncio.run(_in_unit_of_work(settings, work))


@cli.command("council-tax-notices")
def council_tax_notices(
    month: Annotated[str | None, typer.Option(help="YYYY-MM; the current month if not given")] = None,
) -> None:
    """Tell each billing authority, by webhook, that its council-tax list for the month changed and that
    confirmations are due back. Each notice goes once per authority and month: run it daily from a
    scheduler (cron, a Kubernetes CronJob); the worker delivers what it records."""
    settings = get_settings()

    async def work(session: AsyncSession) -> int:
        today = uk_today()
        period = parse_month(month) if month else Period.month(today.year, today.month)
        sent = 0
        for council, name in await DecisionRepository(session).councils():
            count = await notices.send_notices(session, council, period, today)
            console.print(f"{name}: {count} notices for {period.label}")
            sent += count
        return sent

    total = asyncio.run(_in_unit_of_work(settings, work))
    console.print(f"[green]{total} council-tax notices recorded for the webhook worker.[/green]")


@cli.command()
def notifications(
    on: Annotated[str | None, typer.Option(help="YYYY-MM-DD, UK date; today if not given")] = None,
) -> None:
    """Notify young people of what is due: a pathway plan review within two weeks, one of their own plan
    actions within three days, and the 21Plus birthday-month message where the council sends it. Run it
    daily from a scheduler (cron, a Kubernetes CronJob), e.g. at 00:15 UK time: each notification is made
    once however often it runs (a missed day is caught up by the next), and pushes wait until the
    council's quiet hours end (08:00 unless it sets its own)."""
    settings = get_settings()
    try:
        day = date.fromisoformat(on) if on else uk_today()
    except ValueError:
        console.print(f"[red]{on!r} is not a date (YYYY-MM-DD).[/red]")
        raise typer.Exit(code=2) from None
    made: Counter[str] = Counter()

    async def work(session: AsyncSession) -> int:
        found = await notification_service.councils(session)
        with Progress(TextColumn("{task.description}"), BarColumn(), console=console) as progress:
            task = progress.add_task(f"Notifications due on {day.isoformat()}", total=len(found))
            for council in found:
                counts = await notification_service.notify_due(session, council, day)
                progress.update(task, advance=1, description=f"{council.name}: {counts.total()} made")
                made.update(counts)
        return made.total()

    total = asyncio.run(_in_unit_of_work(settings, work))
    console.print(
        f"[green]{total} notifications made[/green] for {day.isoformat()}: "
        + ", ".join(f"{n} {what}" for what, n in made.items())
        + "."
    )


@cli.command("demo-data")
def demo_data() -> None:
    """Load the fictional demo data set (only in demo mode: LOCAL_OFFER_DEMO=true)."""
    settings = get_settings()
    if not settings.demo:
        console.print("[red]Demo data loads only in demo mode: set LOCAL_OFFER_DEMO=true.[/red]")
        raise typer.Exit(code=2)
    steps = demo_steps()

    async def run() -> dict[str, int]:
        database = Database(create_engine_for(settings))
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), console=console) as progress:
                task = progress.add_task("Loading demo data", total=max(len(steps), 1))

                def advance(step: object, count: int) -> None:
                    progress.update(
                        task, advance=1, description=f"{getattr(step, 'name', step)}: {count} added"
                    )

                return await load_demo_data(database, settings, on_step=advance)
        finally:
            await database.dispose()

    added = asyncio.run(run())
    total = sum(added.values())
    console.print(f"[green]Demo data loaded: {total} rows added[/green] ({len(added)} steps).")


@cli.command()
def prune() -> None:
    """Delete what is no longer needed: idempotency keys older than 24 hours (30 days for money: claims
    and payments), sign-in failure counts nobody has added to for LOCAL_OFFER_SIGN_IN_FORGET_MINUTES,
    used, replaced or expired invitations, the ids of expired signed client assertions, and the offline
    sync's pushed change ids and tombstones after 30 days. Safe to run at any time, e.g. daily."""
    settings = get_settings()
    counts: dict[str, int] = {}

    async def work(session: AsyncSession) -> int:
        now = utc_now()
        counts["expired idempotency keys"] = await prune_keys(session, now)
        counts["stale sign-in throttle rows"] = await throttle.prune(session, settings, now)
        counts["spent or expired invitations"] = await invitations.prune(session, now)
        counts["expired client assertion ids"] = await clients.prune(session, now)
        counts["sync change ids and tombstones older than 30 days"] = await sync.prune(session, now)
        return sum(counts.values())

    asyncio.run(_in_unit_of_work(settings, work))
    console.print("Deleted " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")


@cli.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the document")] = OPENAPI_PATH,
    check: Annotated[
        bool, typer.Option("--check", help="Fail if the file differs instead of writing")
    ] = False,
) -> None:
    """Write the OpenAPI document the app serves to openapi/openapi.json (or check it is current)."""
    from app.api.openapi import render_openapi
    from app.main import create_app

    # The committed document names the default server, whatever this machine's base URL is.
    default_url = Settings.model_fields["public_base_url"].default
    rendered = render_openapi(create_app(get_settings().model_copy(update={"public_base_url": default_url})))
    if check:
        current = output.read_text() if output.exists() else ""
        if current != rendered:
            console.print(f"[red]{output} is out of date: run `python -m app openapi`.[/red]")
            raise typer.Exit(code=1)
        console.print(f"{output} is current.")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(rendered)
    console.print(f"Wrote {output} ({len(rendered):,} bytes).")


@cli.command()
def worker() -> None:
    """Send webhook deliveries until stopped (SIGTERM or Ctrl-C finish the round in hand). Run one beside
    the API: a second process or container from the same image. On PostgreSQL more than one may run; on
    SQLite run one. Stopping it loses nothing: what is due waits in the database."""
    from app.core.logging import configure_logging
    from app.events.worker import run

    settings = get_settings()
    configure_logging(settings.log_level)

    async def work() -> None:
        database = Database(create_engine_for(settings))
        try:
            await run(database, settings)
        finally:
            await database.dispose()

    console.print("Sending webhook deliveries (Ctrl-C to stop).")
    asyncio.run(work())


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    settings = get_settings()
    console.print(
        f"Serving on http://{host}:{port} (Swagger UI at /docs){' in demo mode' if settings.demo else ''}."
    )
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        access_log=False,
        # No `server: uvicorn` advertised, and no X-Forwarded-* believed by uvicorn: the app decides
        # which proxies to trust (LOCAL_OFFER_TRUSTED_PROXIES), the same here as in the Dockerfile.
        proxy_headers=False,
        server_header=False,
        log_config=None,
    )
