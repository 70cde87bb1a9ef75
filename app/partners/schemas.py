from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.schemas import InputModel, IsoDate
from app.partners.enums import ConfirmationOutcome, ListChange

_ID = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e80"
_ORG = "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e30"


class CouncilTaxExemption(BaseModel):
    """What a billing team needs to find the account and apply the exemption, and nothing more."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver_id": _ID,
                    "reference": "DEMO-0003",
                    "given_name": "Chloe",
                    "family_name": "Demo",
                    "date_of_birth": "2004-09-30",
                    "address": "12 Example Street, Sutton-in-Ashfield NG17 1AA",
                    "postcode": "NG17 1AA",
                    "billing_authority_gss_code": "E07000170",
                    "exempt_from": "2022-09-30",
                    "exempt_until": "2029-09-29",
                }
            ]
        }
    )

    care_leaver_id: uuid.UUID = Field(description="Our reference: quote it in the confirmation")
    reference: str = Field(description="The council's case reference, for a phone call")
    given_name: str
    family_name: str
    date_of_birth: date
    address: str | None = Field(description="Their address, when the record holds one in your area")
    postcode: str | None
    billing_authority_gss_code: str
    exempt_from: date = Field(description="The first day of this exemption in your area")
    exempt_until: date = Field(description="Its last day: the day before their 25th birthday, or earlier")


class CouncilTaxChange(BaseModel):
    """Someone who came on the list, or left it, since the previous month. A leaver's `reason` is only
    `left_list`: it never says why."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver_id": _ID,
                    "reference": "DEMO-0003",
                    "given_name": "Chloe",
                    "family_name": "Demo",
                    "date_of_birth": "2004-09-30",
                    "reason": "left_list",
                    "on": "2026-11-14",
                }
            ]
        }
    )

    care_leaver_id: uuid.UUID
    reference: str
    given_name: str
    family_name: str
    date_of_birth: date
    reason: ListChange
    on: date = Field(description="The day they came on the list, or the first day they were off it")


class CouncilTaxChanges(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "month": "2026-12",
                    "billing_authority_gss_code": "E07000170",
                    "starters": [],
                    "leavers": [CouncilTaxChange.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
                }
            ]
        }
    )

    month: str
    billing_authority_gss_code: str | None = Field(description="None: an admin's view of every area")
    starters: list[CouncilTaxChange]
    leavers: list[CouncilTaxChange]


class ConfirmationPut(InputModel):
    """What the billing authority did. `applied` needs the date it applies from and the account;
    `other` needs a note."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"outcome": "applied", "applied_from": "2026-12-03", "account_reference": "CT-4471120"},
                {"outcome": "not_liable"},
                {"outcome": "other", "note": "Account in a partner's name: we have written to them"},
            ]
        }
    )

    outcome: ConfirmationOutcome
    applied_from: IsoDate | None = None
    account_reference: str | None = Field(default=None, min_length=1, max_length=64)
    note: str | None = Field(default=None, min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _what_each_needs(self) -> Self:
        if self.outcome is ConfirmationOutcome.APPLIED:
            if self.applied_from is None or self.account_reference is None:
                raise ValueError("applied needs applied_from and account_reference")
        elif self.applied_from is not None or self.account_reference is not None:
            raise ValueError("applied_from and account_reference are only for applied")
        if self.outcome is ConfirmationOutcome.OTHER and self.note is None:
            raise ValueError("other needs a note")
        return self


class ConfirmationRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "care_leaver_id": _ID,
                    "organisation_id": _ORG,
                    "organisation_name": "Ashfield District Council",
                    "outcome": "applied",
                    "applied_from": "2026-12-03",
                    "account_reference": "CT-4471120",
                    "note": None,
                    "recorded_at": "2026-12-03T10:00:00+00:00",
                    "version": 1,
                }
            ]
        }
    )

    care_leaver_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    outcome: ConfirmationOutcome
    applied_from: date | None
    account_reference: str | None
    note: str | None
    recorded_at: datetime
    version: int


class MyCouncilTax(BaseModel):
    """What a billing authority told us about your exemption, in words."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation_name": "Ashfield District Council",
                    "outcome": "applied",
                    "applied_from": "2026-12-03",
                    "message": "Your exemption was applied by Ashfield District Council on 3 December 2026.",
                }
            ]
        }
    )

    organisation_name: str
    outcome: ConfirmationOutcome
    applied_from: date | None
    message: str


class TakeUpRow(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "billing_authority": "Ashfield District Council",
                    "billing_authority_gss_code": "E07000170",
                    "month": "2026-12",
                    "on_list": 127,
                    "confirmed_applied": 120,
                    "not_liable": 4,
                    "outstanding": 3,
                }
            ]
        }
    )

    billing_authority: str
    billing_authority_gss_code: str
    month: str
    on_list: int
    confirmed_applied: int
    not_liable: int
    outstanding: int = Field(description="On the list with no confirmation yet, or not found, or other")


class TakeUpReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "from": "2026-01",
                    "to": "2026-12",
                    "rows": [TakeUpRow.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
                }
            ],
        },
        populate_by_name=True,
    )

    from_: str = Field(alias="from")
    to: str
    rows: list[TakeUpRow]
