"""A status letter as one self-contained HTML page to print or show, with its token as a QR code.

No scripts and no external assets: the QR code is inline SVG (drawn by segno), and every value is
escaped with `html.escape`. The verifier scans the code, or types the address printed under it, and
sends the token to POST /v1/status-letters/verification; the page itself proves nothing.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

import segno

from app.core.clock import UK
from app.letters.enums import VerificationResult
from app.letters.models import StatusLetter
from app.letters.wording import long_date
from app.local_authorities.models import LocalAuthority

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; font-size: 12pt; line-height: 1.45;
       color: #111; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; } .statement { font-size: 1.15rem; border-left: 4px solid #111; padding-left: 0.8rem; }
.banner { border: 3px solid #111; padding: 0.5rem 0.8rem; font-weight: bold; }
.qr svg { display: block; margin: 1rem 0; } .token { font-family: monospace; font-size: 7pt; word-break: break-all; }
footer { margin-top: 2rem; font-size: 0.9rem; color: #333; }
@media print { body { margin: 0; max-width: none; } .qr { break-inside: avoid; } }
"""


def _when(moment: datetime) -> str:
    return long_date(moment.astimezone(UK).date())


def render(letter: StatusLetter, council: LocalAuthority, state: VerificationResult, verify_url: str) -> str:
    qr = segno.make(letter.token, error="m").svg_inline(scale=3, title="QR code of this letter's token")
    banner = {
        VerificationResult.EXPIRED: "This letter has expired: it no longer confirms anything. Ask for a new one.",
        VerificationResult.REVOKED: "This letter was withdrawn by the council: it no longer confirms anything.",
    }.get(state)
    body = [
        f"<h1>{escape(council.name)}: confirmation of care-leaver status</h1>",
        f'<p class="banner">{escape(banner)}</p>' if banner else "",
        f'<p class="statement">{escape(letter.statement)}</p>',
        f"<p>Issued on {escape(_when(letter.issued_at))}. Valid until {escape(_when(letter.expires_at))}, "
        "unless withdrawn before then.</p>",
        "<h2>Checking this letter</h2>",
        "<p>Anyone can check it, with no account: scan the code below, or copy the text under it, and send it "
        f'to <strong>{escape(verify_url)}</strong> as <code>{{"token": "..."}}</code>. The answer says '
        "whether the council signed it, whether it is still valid, and what it states. A copy of this page "
        "that has been changed will not pass.</p>",
        f'<div class="qr">{qr}</div>',
        f'<p class="token">{escape(letter.token)}</p>',
        f"<footer>Letter {escape(str(letter.id))}. It holds personal information: share it only with the "
        "organisation that asked for it.</footer>",
    ]
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Care-leaver status letter: {escape(council.name)}</title><style>{_CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )


EXAMPLE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Care-leaver status letter: Nottingham '
    "City Council</title><style>/* print styles */</style></head><body><h1>Nottingham City Council: "
    'confirmation of care-leaver status</h1><p class="statement">Aisha Example, born 1 March 2006, is a former '
    "relevant young person (Children Act 1989, section 23C), a care leaver, of Nottingham City Council.</p>"
    '<div class="qr"><svg width="381" height="381" class="segno">...</svg></div></body></html>'
)
