"""Bulk import of existing care leavers from a case-management system's CSV export.

Every row is validated and reported with its line number. In `all_or_nothing` mode one bad row
means nothing is imported; in `valid_rows` mode the good rows are. Rows are matched on the case
reference, so importing the same file again changes nothing, and a newer export updates what changed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.enums import AuditAction
from app.audit.service import record_about
from app.auth.principal import Principal
from app.care_leavers import episodes, hooks, import_files
from app.care_leavers.errors import ImportRejected
from app.care_leavers.history import check_care_history, refresh_statuses
from app.care_leavers.import_files import CsvDate, ImportMode, RowOutcome, RowReport, csv_date
from app.care_leavers.models import CareLeaver
from app.care_leavers.repository import CareLeaverRepository
from app.care_leavers.schemas import CaseReference, PersonName, Pronouns
from app.core.clock import uk_today
from app.core.errors import InvalidInput
from app.core.schemas import BIRTH_DATE, InputModel
from app.local_authorities.schemas import GssCode


def _csv_bool(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"yes", "y", "true", "1"}:
            return True
        if lowered in {"no", "n", "false", "0"}:
            return False
        raise ValueError("must be yes or no")
    return value


def _csv_int(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError("must be a whole number")
        return int(value)
    return value


# The same range as the API's dates of birth (app.core.schemas).
CsvDateOfBirth = Annotated[date, BeforeValidator(csv_date), BIRTH_DATE]
CsvWeeks = Annotated[int, BeforeValidator(_csv_int), Field(ge=0, le=600)]
CsvBool = Annotated[bool, BeforeValidator(_csv_bool)]


class ImportRow(InputModel):
    """One row of the export; blank cells are absent."""

    case_reference: CaseReference
    given_name: PersonName
    family_name: PersonName
    date_of_birth: CsvDateOfBirth
    preferred_name: PersonName | None = None
    pronouns: Pronouns | None = None
    district_gss_code: GssCode | None = None
    entered_care_on: CsvDate | None = None
    left_care_on: CsvDate | None = None
    still_looked_after: CsvBool = False
    weeks_looked_after_since_14: CsvWeeks | None = None
    weeks_looked_after_after_16: CsvWeeks | None = None


COLUMNS = list(ImportRow.model_fields)
REQUIRED_COLUMNS = [name for name, f in ImportRow.model_fields.items() if f.is_required()]


ImportReport = import_files.FileReport


def _validate(line: int, cells: dict[str, str]) -> tuple[ImportRow | None, RowReport]:
    try:
        row = ImportRow.model_validate(cells)
    except ValidationError as exc:
        errors = import_files.validation_errors(exc)
        return None, RowReport(line, cells.get("case_reference"), RowOutcome.INVALID, errors)
    return row, RowReport(line, row.case_reference, RowOutcome.UNCHANGED)


async def import_care_leavers(
    session: AsyncSession, principal: Principal, text: str, *, mode: ImportMode, dry_run: bool
) -> ImportReport:
    assert principal.local_authority_id is not None
    parsed = [_validate(line, cells) for line, cells in import_files.read(text, COLUMNS, REQUIRED_COLUMNS)]
    seen: dict[str, int] = {}
    for row, line_report in parsed:
        if row is None:
            continue
        if row.case_reference in seen:  # the same person twice in one file: which row is right?
            line_report.outcome = RowOutcome.INVALID
            line_report.errors.append(
                {"field": "case_reference", "message": f"also on line {seen[row.case_reference]}"}
            )
        seen.setdefault(row.case_reference, line_report.line)
    repo = CareLeaverRepository(session)
    existing = await repo.by_case_references(principal.local_authority_id, list(seen))
    kept_as_episodes = await episodes.has_real_episodes(session, [p.id for p in existing.values()])
    today = uk_today()
    changed: list[CareLeaver] = []
    summarised: list[CareLeaver] = []
    for row, line_report in parsed:
        if row is None or line_report.outcome is RowOutcome.INVALID:
            continue
        person = existing.get(row.case_reference)
        values = row.model_dump(exclude_unset=True)
        differing = values if person is None else {k: v for k, v in values.items() if getattr(person, k) != v}
        if person is not None and not differing:
            continue
        counters = sorted(differing.keys() & set(episodes.COUNTER_FIELDS))
        if person is not None and person.id in kept_as_episodes and counters:
            line_report.outcome = RowOutcome.INVALID
            line_report.errors = [
                {"field": name, "message": "this record's care history is kept as care episodes"}
                for name in counters
            ]
            continue
        if person is None:
            person = CareLeaver(local_authority_id=principal.local_authority_id, **values)
            line_report.outcome = RowOutcome.CREATED
        else:
            for name, value in differing.items():
                setattr(person, name, value)
            line_report.outcome = RowOutcome.UPDATED
        try:
            check_care_history(person)
        except InvalidInput as exc:
            line_report.outcome = RowOutcome.INVALID
            line_report.errors = [
                {"field": e["field"], "message": e["message"]} for e in exc.extensions["errors"]
            ]
            if person in session:
                await session.refresh(person)  # undo the changes to an existing record
            continue
        changed.append(person)
        if counters:
            summarised.append(person)
    invalid = any(r.outcome is RowOutcome.INVALID for _, r in parsed)
    result = ImportReport(
        mode,
        dry_run,
        imported=not dry_run and not (invalid and mode is ImportMode.ALL_OR_NOTHING),
        rows=[r for _, r in parsed],
    )
    if not result.imported:
        session.expunge_all()  # nothing is written: the caller's unit of work commits an empty change
        if invalid and mode is ImportMode.ALL_OR_NOTHING and not dry_run:
            detail, errors = import_files.refusal(result.rows)
            raise ImportRejected(detail, errors=errors, report=report_dict(result))
        return result
    for person in changed:
        session.add(person)
    await session.flush()
    # The counters a case-management export gives become a summary episode each, as through the API.
    await episodes.summaries_for_import(session, principal, summarised)
    await refresh_statuses(session, changed, today)
    await hooks.records_changed(session, [p.id for p in changed])
    await record_about(
        session,
        principal.as_actor(),
        AuditAction.CREATE,
        "care_leaver_import",
        changed,
        local_authority_id=principal.local_authority_id,
        details={
            "created": result.count(RowOutcome.CREATED),
            "updated": result.count(RowOutcome.UPDATED),
            "unchanged": result.count(RowOutcome.UNCHANGED),
            "invalid": result.count(RowOutcome.INVALID),
        },
    )
    return result


def report_dict(report: ImportReport) -> dict[str, Any]:
    return report.as_dict()
