"""Import of care episodes from the SSDA903 Episodes table a case-management system exports
(`app.care_leavers.ssda903` says what its columns and codes mean).

CHILD is matched to the case reference of a record in the importing administrator's council. Re-sending
the file is how a council keeps the history current (its monthly extract), so a child's episodes in the
file replace theirs from the first DECOM the file gives them: an episode recorded from that day that the
file still holds is left alone (`unchanged`) or corrected in place (`updated`: same start, a DEC or code
that changed), one it no longer holds is removed (kept, marked removed, as through the API), and an
earlier one is kept, so a file of one year leaves the years before it as they are. Special guardianship
orders and custody or hospital on the 16th birthday recorded by staff are not in the return and stay.
A converted summary (the old counters) is replaced when the file reaches back to the 14th birthday or to
the summary's start; otherwise the child's rows are refused, so weeks are never silently lost.

Every episode goes through the checks the API applies (`episodes.history_problems`), named by the column
it came from; a child with any bad row has none of their rows imported. The statuses are derived again
and the record-change hooks run once for everyone changed, in the request's unit of work, with one audit
event naming every person the file matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.care_leavers import episodes, hooks, import_files
from app.care_leavers.care_history import SHORT_BREAKS, EpisodeKind
from app.care_leavers.enums import RecordStatus
from app.care_leavers.episode_repository import EpisodeRepository
from app.care_leavers.errors import EpisodeImportRejected
from app.care_leavers.history import refresh_statuses
from app.care_leavers.import_files import ImportMode, RowOutcome, RowReport
from app.care_leavers.models import CareEpisode, CareLeaver
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.ssda903 import (
    COLUMN_OF,
    COLUMNS,
    NOT_KEPT,
    REQUIRED_COLUMNS,
    SOURCE,
    SPECIAL_GUARDIANSHIP,
    EpisodeRow,
    header_name,
    sequence_problems,
)
from app.core.clock import uk_today, utc_now
from app.core.dates import birthday
from app.core.types import uuid7

RESOURCE = "care_episode_import"
# What makes two episodes the same: an import that would write these values again writes nothing.
_FIELDS = (
    "kind",
    "start_on",
    "end_on",
    "legal_basis",
    "placement_type",
    "planned_short_break",
    "detention",
    "details",
)
_RANK = {RowOutcome.UNCHANGED: 0, RowOutcome.UPDATED: 1, RowOutcome.CREATED: 2}


@dataclass
class PersonReport:
    case_reference: str
    person: CareLeaver | None
    lines: list[int]
    legal_status_before: RecordStatus | None = None
    changed: bool = False
    invalid: bool = False
    created: list[CareEpisode] = field(default_factory=list)
    updated: list[tuple[CareEpisode, dict[str, Any]]] = field(default_factory=list)
    removed: list[CareEpisode] = field(default_factory=list)


@dataclass
class EpisodeImportReport(import_files.FileReport):
    people: list[PersonReport]

    @property
    def episodes_removed(self) -> int:
        return sum(len(p.removed) for p in self.people if not p.invalid)


async def import_care_episodes(
    session: AsyncSession, principal: Principal, text: str, *, mode: ImportMode, dry_run: bool
) -> EpisodeImportReport:
    council = principal.local_authority_id
    assert council is not None
    rows: dict[int, RowReport] = {}
    by_child: dict[str, list[tuple[int, EpisodeRow]]] = {}
    lines_of: dict[str, list[int]] = {}
    for line, cells in import_files.read(text, COLUMNS, REQUIRED_COLUMNS, header=header_name):
        child = cells.get("CHILD", "")
        try:
            row = EpisodeRow.model_validate({k: v for k, v in cells.items() if k not in NOT_KEPT})
        except ValidationError as exc:
            if any(e["loc"][:1] == ("CHILD",) for e in exc.errors()):
                child = ""  # not a case reference at all (control characters, too long): matched to no one
            rows[line] = RowReport(
                line, child or None, RowOutcome.INVALID, import_files.validation_errors(exc)
            )
        else:
            rows[line] = RowReport(line, row.child, RowOutcome.UNCHANGED)
            by_child.setdefault(row.child, []).append((line, row))
        if child:
            lines_of.setdefault(child, []).append(line)
    found = await CareLeaverRepository(session).by_case_references(council, list(lines_of))
    recorded = await EpisodeRepository(session).current([p.id for p in found.values()])
    people = []
    for child, lines in lines_of.items():
        person = found.get(child)
        report = PersonReport(child, person, lines, person.legal_status if person else None)
        people.append(report)
        if person is None:
            for line in lines:
                rows[line].refuse("CHILD", "no care leaver in your council has this case reference")
        elif all(rows[line].outcome is not RowOutcome.INVALID for line in lines):
            ordered = sorted(by_child[child], key=lambda item: (item[1].decom, item[0]))
            _plan(principal, report, ordered, recorded[person.id], rows)
        _all_or_none_of(report, rows)
    result = EpisodeImportReport(mode, dry_run, False, sorted(rows.values(), key=lambda r: r.line), people)
    invalid = any(r.outcome is RowOutcome.INVALID for r in result.rows)
    result.imported = not dry_run and not (invalid and mode is ImportMode.ALL_OR_NOTHING)
    if invalid and mode is ImportMode.ALL_OR_NOTHING and not dry_run:
        detail, errors = import_files.refusal(result.rows)
        raise EpisodeImportRejected(detail, errors=errors, report=report_dict(result))
    if result.imported:
        await _write(session, principal, [p for p in people if p.changed and not p.invalid])
    matched = [p.person for p in people if p.person is not None]
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.UPDATE if result.imported else AuditAction.READ,
        RESOURCE,
        matched,
        local_authority_id=council,
        details={
            **import_files.counts(result.rows),
            "episodes_removed": result.episodes_removed,
            "people_changed": sum(1 for p in people if p.changed and not p.invalid),
            "dry_run": dry_run,
        },
    )
    return result


def _plan(
    principal: Principal,
    report: PersonReport,
    ordered: list[tuple[int, EpisodeRow]],
    recorded: list[CareEpisode],
    rows: dict[int, RowReport],
) -> None:
    """What the file changes in one person's history, checked as the API checks it; problems go on the rows."""
    person = report.person
    assert person is not None
    first_line, first = ordered[0][0], ordered[0][1].decom
    problems = list(sequence_problems(ordered))
    kept: list[CareEpisode] = []
    replaced: list[CareEpisode] = []
    for episode in recorded:
        if episode.converted_from_summary:
            if (needed := _summary_needs(person.date_of_birth, episode)) < first:
                problems.append((first_line, "DECOM", _SUMMARY.format(needed=needed)))
            replaced.append(episode)
        elif (
            episode.start_on is not None and episode.start_on >= first and _from_this_import_or_care(episode)
        ):
            replaced.append(episode)
        else:
            kept.append(episode)
    wanted: list[tuple[int, CareEpisode]] = []
    for line, row in ordered:
        wanted.append((line, _episode(principal, person, row)))
        orders = [
            k for k in kept if k.kind is EpisodeKind.SPECIAL_GUARDIANSHIP_ORDER and k.start_on == row.dec
        ]
        if row.rec in SPECIAL_GUARDIANSHIP and row.dec is not None and not orders:
            wanted.append((line, _order(principal, person, row)))
    candidates = [*kept, *(w for _, w in wanted)]
    for index, error in episodes.history_problems(
        person.date_of_birth, candidates, range(len(kept), len(candidates))
    ):
        line, episode = wanted[index - len(kept)]
        if episode.kind is EpisodeKind.SPECIAL_GUARDIANSHIP_ORDER:
            problems.append((line, "REC", f"the special guardianship order it records: {error['message']}"))
        else:
            problems.append((line, COLUMN_OF.get(error["field"], error["field"]), error["message"]))
    for line, column, message in problems:
        rows[line].refuse(column, message)
    if problems:
        return
    _match(report, wanted, replaced, rows)


def _match(
    report: PersonReport,
    wanted: list[tuple[int, CareEpisode]],
    replaced: list[CareEpisode],
    rows: dict[int, RowReport],
) -> None:
    """Each episode the file gives against those it replaces, matched on kind and start."""
    available: dict[tuple[EpisodeKind, date | None], list[CareEpisode]] = {}
    for old in replaced:
        if not old.converted_from_summary:  # a summary is never corrected into a real episode: it goes
            available.setdefault((EpisodeKind(old.kind), old.start_on), []).append(old)
    leftover = {id(old): old for old in replaced}
    seen: set[int] = set()
    for line, new in wanted:
        matches = available.get((EpisodeKind(new.kind), new.start_on))
        if not matches:
            report.created.append(new)
            outcome = RowOutcome.CREATED
        else:
            old = matches.pop(0)
            del leftover[id(old)]
            changes = {n: getattr(new, n) for n in _FIELDS if getattr(old, n) != getattr(new, n)}
            if changes:
                report.updated.append((old, changes))
            outcome = RowOutcome.UPDATED if changes else RowOutcome.UNCHANGED
        if line in seen:  # the order an episode ended in: a change to that row, not a new row
            outcome = RowOutcome.UNCHANGED if outcome is RowOutcome.UNCHANGED else RowOutcome.UPDATED
        seen.add(line)
        if _RANK[outcome] > _RANK[rows[line].outcome]:
            rows[line].outcome = outcome
    report.removed = list(leftover.values())
    report.changed = bool(report.created or report.updated or report.removed)


def _all_or_none_of(report: PersonReport, rows: dict[int, RowReport]) -> None:
    """A child with a bad row has none of theirs imported: their history is all in the file or not at all."""
    bad = [line for line in report.lines if rows[line].outcome is RowOutcome.INVALID]
    if not bad:
        return
    report.invalid = True
    for line in report.lines:
        if rows[line].outcome is not RowOutcome.INVALID:
            rows[line].refuse("CHILD", f"not imported: line {bad[0]} of this child cannot be")


_SUMMARY = (
    "the care history recorded before this is a summary of counters (weeks looked after since 14), which "
    "these episodes would not replace: send their episodes from {needed:%d/%m/%Y}, or remove the summary"
)


def _summary_needs(born: date, summary: CareEpisode) -> date:
    """The day a file must reach back to for its episodes to replace a converted summary: the weeks it
    counted run from the 14th birthday, or from when it says care began."""
    fourteenth = birthday(born, 14)
    return max(fourteenth, summary.start_on) if summary.start_on is not None else fourteenth


def _from_this_import_or_care(row: CareEpisode) -> bool:
    """Periods looked after are the return's to replace; an order only when the return recorded it."""
    if row.kind is EpisodeKind.LOOKED_AFTER:
        return True
    return row.kind is EpisodeKind.SPECIAL_GUARDIANSHIP_ORDER and row.details.get("source") == SOURCE


def _episode(principal: Principal, person: CareLeaver, row: EpisodeRow) -> CareEpisode:
    details = {"source": SOURCE, "rne": row.rne.value}
    if row.rec is not None:
        details["rec"] = row.rec.value
    return _new(
        principal,
        person,
        kind=EpisodeKind.LOOKED_AFTER,
        start_on=row.decom,
        end_on=row.dec,
        legal_basis=row.ls,
        placement_type=row.place,
        planned_short_break=row.ls in SHORT_BREAKS,
        details=details,
    )


def _order(principal: Principal, person: CareLeaver, row: EpisodeRow) -> CareEpisode:
    """The special guardianship order an episode ended in (REC E43-E48), made the day it ceased."""
    assert row.rec is not None
    return _new(
        principal,
        person,
        kind=EpisodeKind.SPECIAL_GUARDIANSHIP_ORDER,
        start_on=row.dec,
        end_on=None,
        legal_basis=None,
        placement_type=None,
        planned_short_break=False,
        details={"source": SOURCE, "rec": row.rec.value},
    )


def _new(principal: Principal, person: CareLeaver, **values: Any) -> CareEpisode:
    now = utc_now()
    return CareEpisode(
        local_authority_id=person.local_authority_id,
        care_leaver_id=person.id,
        detention=None,
        converted_from_summary=False,
        version=1,
        recorded_at=now,
        updated_at=now,
        recorded_by=principal.user_id,
        updated_by=principal.user_id,
        **values,
    )


async def _write(session: AsyncSession, principal: Principal, changed: list[PersonReport]) -> None:
    """Everyone's changes, one flush; then their statuses and the hooks, once for all of them."""
    now = utc_now()
    for report in changed:
        for old in report.removed:
            old.removed_at, old.removed_by, old.version = now, principal.user_id, old.version + 1
        for old, changes in report.updated:
            for name, value in changes.items():
                setattr(old, name, value)
            old.version += 1
            old.updated_at, old.updated_by = now, principal.user_id
    await session.flush()
    # New episodes go in as one executemany (thousands in a first import); they were only ever transient.
    created = [_columns(row) for report in changed for row in report.created]
    for start in range(0, len(created), 2000):
        await session.execute(insert(CareEpisode), created[start : start + 2000])
    people = [r.person for r in changed if r.person is not None]
    await refresh_statuses(session, people, uk_today())
    await hooks.records_changed(session, [p.id for p in people])


def _columns(row: CareEpisode) -> dict[str, Any]:
    values = {c.key: getattr(row, c.key) for c in CareEpisode.__mapper__.column_attrs}
    values["id"] = values["id"] or uuid7()
    return values


def report_dict(report: EpisodeImportReport) -> dict[str, Any]:
    return {
        **report.as_dict(),
        "episodes_removed": report.episodes_removed,
        "people": [_person_dict(p, report.imported) for p in report.people],
    }


def _person_dict(report: PersonReport, imported: bool) -> dict[str, Any]:
    person = report.person
    outcome = "invalid" if report.invalid else "changed" if report.changed else "unchanged"
    after = person.legal_status if person and imported else None
    return {
        "case_reference": report.case_reference,
        "care_leaver_id": str(person.id) if person else None,
        "outcome": outcome,
        "episodes_removed": 0 if report.invalid else len(report.removed),
        "legal_status_before": report.legal_status_before.value if report.legal_status_before else None,
        "legal_status": after.value if after else None,
    }
