"""A pathway plan as one self-contained HTML page to print or share at a review meeting.

No scripts and no external assets (the page works offline and leaks nothing when opened); every value
from the record is escaped with `html.escape`. Plain words throughout: the young person keeps a copy.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from app.core.clock import UK
from app.pathway_plans.enums import ActionOwner, PlanStatus
from app.pathway_plans.schemas import ActionRead, PlanRead, SectionRead
from app.pathway_plans.wording import PLAIN_STATUS, plain_owner

# Served with the page: nothing may load from elsewhere, and inline style is the only style.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; font-size: 12pt; line-height: 1.45;
       color: #111; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.25rem; margin-top: 1.8rem;
     border-bottom: 2px solid #333; padding-bottom: 0.2rem; } h3 { font-size: 1rem; margin-bottom: 0.3rem; }
.meta { color: #333; margin: 0 0 1rem; } .banner { border: 3px solid #111; padding: 0.5rem 0.8rem; font-weight: bold; }
table { width: 100%; border-collapse: collapse; margin: 0.4rem 0 1rem; }
th, td { border: 1px solid #555; padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eee; } .late { font-weight: bold; } .words { font-style: italic; }
.signatures td { height: 2.5rem; } footer { margin-top: 2rem; font-size: 0.9rem; color: #333; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; }
  section, table, tr { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""

_STATUS_BANNER = {
    PlanStatus.DRAFT: "Draft: not yet agreed. This is not the young person's plan until a manager authorises it.",
    PlanStatus.SUBMITTED: "Waiting for a manager to authorise it: not yet the young person's plan.",
    PlanStatus.SUPERSEDED: "An earlier plan: it has been replaced by a newer one.",
}


def _long(day: date | datetime | None) -> str:
    """A date in words; a moment (stored in UTC) on its UK date: 00:30 BST is that day, not the one before."""
    if day is None:
        return "not yet"
    if isinstance(day, datetime):
        day = day.astimezone(UK).date()
    return f"{day.day} {day:%B %Y}"


def _text(value: str | None, empty: str = "Nothing written yet.") -> str:
    if not value:
        return f"<p>{escape(empty)}</p>"
    return "".join(f"<p>{escape(line)}</p>" for line in value.splitlines() if line.strip())


def _actions(actions: list[ActionRead], adviser_name: str | None) -> str:
    if not actions:
        return ""
    rows = []
    for action in actions:
        who = plain_owner(action.owner, action.partner_name, adviser_name)
        if action.owner is ActionOwner.YOUNG_PERSON:
            who = "You (the young person)"
        status = PLAIN_STATUS[action.status] + (f": {action.dropped_reason}" if action.dropped_reason else "")
        late = ' class="late"' if action.overdue else ""
        when = _long(action.due_on) + (" (late)" if action.overdue else "")
        rows.append(
            f"<tr{late}><td>{escape(action.description)}</td><td>{escape(who)}</td>"
            f"<td>{escape(when)}</td><td>{escape(status)}</td></tr>"
        )
    return (
        "<table><tr><th>What</th><th>Who</th><th>By when</th><th>Progress</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _section(section: SectionRead, adviser_name: str | None) -> str:
    parts = [
        f"<section><h2>{escape(section.title)}</h2>",
        "<h3>What is needed, and the risks</h3>",
        _text(section.needs_and_risks),
        "<h3>What is going well</h3>",
        _text(section.going_well),
        "<h3>In the young person's own words</h3>",
        f'<div class="words">{_text(section.young_person_views)}</div>',
    ]
    for goal in section.goals:
        parts.append(f"<h3>Goal: {escape(goal.description)}</h3>{_actions(goal.actions, adviser_name)}")
    if section.comments:
        parts.append("<h3>Comments the young person added</h3>")
        parts.extend(f"<p>{escape(_long(c.created_at))}: {escape(c.body)}</p>" for c in section.comments)
    parts.append("</section>")
    return "".join(parts)


def render(plan: PlanRead, name: str, adviser_name: str | None, council: str) -> str:
    """The whole plan as an HTML document."""
    banner = _STATUS_BANNER.get(plan.status)
    review = (
        f"Next review by {_long(plan.review.due_on)}. {plan.review.explanation}"
        if plan.review and plan.status is PlanStatus.AUTHORISED
        else None
    )
    people = "".join(
        f"<li>{escape(p.name)}{', ' + escape(p.relationship) if p.relationship else ''}"
        f"{': ' + escape(p.how_they_help) if p.how_they_help else ''}</li>"
        for p in plan.people_involved
    )
    body = [
        f"<h1>Pathway plan for {escape(name)}</h1>",
        f'<p class="meta">{escape(council)}. Version {plan.version}. '
        f"Agreed (authorised) on {escape(_long(plan.authorised_at))}. "
        f"Personal adviser: {escape(adviser_name or 'none allocated')}.</p>",
        f'<p class="banner">{escape(banner)}</p>' if banner else "",
        f"<p>{escape(review)}</p>" if review else "",
        *(_section(s, adviser_name) for s in plan.sections),
        "<section><h2>If things do not go to plan</h2>",
        _text(plan.contingency_plan),
        "</section><section><h2>People you want involved</h2>",
        f"<ul>{people}</ul>" if people else "<p>Nobody named yet.</p>",
        "</section>",
        '<section><h2>Signatures</h2><table class="signatures"><tr><th>Young person</th><td></td></tr>'
        "<tr><th>Personal adviser</th><td></td></tr><tr><th>Date</th><td></td></tr></table></section>",
        f"<footer>This plan is about {escape(name)} and belongs to them. It holds personal information: "
        "keep it somewhere safe and share it only with people they agree to.</footer>",
    ]
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Pathway plan: {escape(name)}</title><style>{_CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )


EXAMPLE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Pathway plan: Ash Example</title>'
    "<style>/* print styles */</style></head><body><h1>Pathway plan for Ash Example</h1>"
    '<p class="meta">Nottingham City Council. Version 2. Agreed (authorised) on 14 October 2026.</p>'
    "<section><h2>Accommodation</h2><h3>What is needed, and the risks</h3><p>Ash's supported lodgings end "
    "in March.</p></section></body></html>"
)
