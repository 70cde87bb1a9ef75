"""The offer and the eligibility check on the wire, and what a council sends to edit its offer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    field_validator,
)
from pydantic.config import JsonDict

from app.core.schemas import AsOfDate, Count, DateOfBirth, Flag, InputModel, IsoDate
from app.entitlements.enums import (
    Basis,
    Category,
    ImmigrationStatus,
    LegalStatusName,
    ProviderKind,
    University,
)
from app.entitlements.rules import Outcome, Period, Qualifier, Unit
from app.local_authorities.schemas import LocalAuthorityRef

CouncilCode = Annotated[str, StringConstraints(pattern=r"^E\d{8}$")]
AreaCode = Annotated[str, StringConstraints(pattern=r"^[ENSW]\d{8}$")]
EntitlementCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
ParameterName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]

_SOURCE: JsonDict = {
    "id": "county-council-tax",
    "citation": (
        "Nottinghamshire County Council, report to Children and Young People's Committee, 7 March 2022, "
        "para 59: exemption from Council Tax for all care leavers up to 25"
    ),
    "document": None,
    "last_checked": "2026-11-23",
    "needs_checking": False,
}
_PARAMETER_VALUE: JsonDict = {
    "effective_from": "2023-04-01",
    "value": 300000,
    "display": "£3,000",
    "source": "city-suha",
}
_PARAMETER: JsonDict = {
    "name": "amount",
    "unit": "pence",
    "basis": "eighteenth_birthday",
    "description": "Decided by the date you turned 18",
    "values": [
        {"effective_from": "2018-11-01", "value": 200000, "display": "£2,000", "source": "city-suha"},
        {"effective_from": "2023-04-01", "value": 300000, "display": "£3,000", "source": "city-suha-basis"},
    ],
}
_CONTACT: JsonDict = {
    "label": "Nottinghamshire Local Offer for Care Leavers (Notts Help Yourself)",
    "url": "https://www.nottshelpyourself.org.uk/careleaverslo",
    "phone": None,
    "email": None,
}
_ENTITLEMENT: JsonDict = {
    "code": "council-tax-exemption",
    "title": "No council tax until you are 25",
    "summary": (
        "If you live in Nottinghamshire and would have to pay council tax, your district or borough council "
        "exempts you until your 25th birthday."
    ),
    "category": "money",
    "basis": "discretionary",
    "provider": {"kind": "district_council", "name": "Your district or borough council"},
    "how_to_claim": "Tell your personal adviser your address when you move in.",
    "evidence": ["Your council tax bill or account number"],
    "contacts": [_CONTACT],
    "available_from": None,
    "withdrawn_from": None,
    "amount": None,
    "parameters": [],
    "rule": {
        "all": [
            {"fact": "legal_status", "in": ["relevant", "former_relevant"]},
            {"age_under": 25},
            {"fact": "liable_for_council_tax", "is": True},
            {"fact": "district", "in": ["E07000170", "E07000171"]},
        ]
    },
    "sources": [_SOURCE],
}


class SourceRead(BaseModel):
    """Where a rule or a figure comes from, and when someone last checked it against the source."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SOURCE]})

    id: str = Field(description="Referred to by the rule's conditions and the parameters' values")
    citation: str = Field(description="The statute section or council document, in words")
    document: str | None = Field(
        description="Where anyone can read the document (legislation.gov.uk, GOV.UK); null where the "
        "citation alone names it (a council's committee papers)"
    )
    last_checked: date
    needs_checking: bool = Field(
        description="True where the service had to interpret the source and the council should confirm it"
    )


class ParameterValueRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_PARAMETER_VALUE]})

    effective_from: date = Field(
        description="The first date (of the parameter's basis) this value applies to"
    )
    value: int = Field(description="In the parameter's unit: pence, years, hours a week, weeks or days")
    display: str = Field(description="The value in words, e.g. £3,000 or 14 hours a week")
    source: str = Field(description="The id of one of the entitlement's sources")


class ParameterRead(BaseModel):
    """An amount or a limit that changes over time: each value applies from its date, history kept."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PARAMETER]})

    name: str
    unit: Unit
    basis: str = Field(
        description="The date the value is looked up on: `on` (the date asked about), a date fact such as "
        "`apprenticeship_start`, or `eighteenth_birthday`"
    )
    description: str
    values: list[ParameterValueRead]


class AmountRuleRead(BaseModel):
    """Which parameter is the money, and how it is paid."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"parameter": "amount", "period": "once", "qualifier": "up_to"}]}
    )

    parameter: str
    period: Period
    qualifier: Qualifier = Field(description="`up_to` a maximum, `at_least` a minimum, or `exactly`")


class EntitlementContact(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_CONTACT]})

    label: str
    url: str | None = None
    phone: str | None = None
    email: str | None = None


class ProviderRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "district_council", "name": "Your district or borough council"}]
        }
    )

    kind: ProviderKind
    name: str


class EntitlementRead(BaseModel):
    """One entitlement in a council's offer: what it is, who gives it, how to claim, its rule and sources."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ENTITLEMENT]})

    code: str = Field(description="Stable across versions and councils, e.g. `council-tax-exemption`")
    title: str
    summary: str = Field(description="Plain English for a 16-25-year-old")
    category: Category
    basis: Basis
    provider: ProviderRead
    how_to_claim: str
    evidence: list[str] = Field(description="What to have ready when claiming")
    contacts: list[EntitlementContact]
    available_from: date | None = Field(description="The first day it is offered, if it started recently")
    withdrawn_from: date | None = Field(description="The first day it is no longer offered")
    amount: AmountRuleRead | None
    parameters: list[ParameterRead]
    rule: dict[str, Any] = Field(
        description="Who qualifies, as data in the rule language (see the eligibility check); "
        "an offline app can show it, the server evaluates it"
    )
    sources: list[SourceRead]


class OfferRead(BaseModel):
    """A council's Local Offer as one version published it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "local_authority": {"gss_code": "E10000024", "name": "Nottinghamshire County Council"},
                    "version": 1,
                    "published_at": "2026-11-23T00:00:00Z",
                    "notes": "Nottinghamshire County Council's Local Offer for Care Leavers.",
                    "entitlements": [_ENTITLEMENT],
                }
            ]
        }
    )

    local_authority: LocalAuthorityRef
    version: int = Field(description="Goes up by one with each publication")
    published_at: datetime
    notes: str = Field(description="What changed in this version, in the council's words")
    entitlements: list[EntitlementRead]


# The council's side: what an la_admin sends to add or edit an entitlement in a draft.


class SourceWrite(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_SOURCE]})

    id: SourceId
    citation: Text
    # A link a young person can follow, never a path to a file of ours.
    document: Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=300)] | None = None
    last_checked: IsoDate
    needs_checking: Flag = False


class ParameterValueWrite(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"effective_from": "2023-04-01", "value": 300000, "source": "statute"}]
        },
    )

    effective_from: IsoDate
    value: Count = Field(ge=0, le=100_000_000)
    source: SourceId


class ParameterWrite(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "unit": "pence",
                    "basis": "apprenticeship_start",
                    "description": "Decided by the date the apprenticeship starts",
                    "values": [{"effective_from": "2023-08-01", "value": 300000, "source": "statute"}],
                }
            ]
        },
    )

    unit: Unit
    basis: Annotated[str, StringConstraints(max_length=40)] = "on"
    description: Annotated[str, StringConstraints(max_length=300)] = ""
    values: list[ParameterValueWrite] = Field(min_length=1, max_length=50)


class AmountRuleWrite(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"parameter": "amount", "period": "once", "qualifier": "exactly"}]},
    )

    parameter: ParameterName
    period: Period
    qualifier: Qualifier = Qualifier.EXACTLY


class ContactWrite(InputModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_CONTACT]})

    label: ShortText
    url: Annotated[str, StringConstraints(pattern=r"^https://", max_length=300)] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9 +()-]{6,20}$")] | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=200)] | None = None


class ProviderWrite(InputModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"kind": "council", "name": "Leaving Care Service"}]}
    )

    kind: ProviderKind
    name: ShortText


class EntitlementWrite(InputModel):
    """An entitlement as a council defines it in a draft; the rule is checked against the rule language."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    **{k: v for k, v in _ENTITLEMENT.items() if k not in ("withdrawn_from", "parameters")},
                    "parameters": {},
                }
            ]
        },
    )

    code: EntitlementCode
    title: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    summary: Text
    category: Category
    basis: Basis
    provider: ProviderWrite
    how_to_claim: Text
    evidence: list[ShortText] = Field(default_factory=list, max_length=20)
    contacts: list[ContactWrite] = Field(default_factory=list, max_length=20)
    available_from: IsoDate | None = None
    amount: AmountRuleWrite | None = None
    parameters: dict[ParameterName, ParameterWrite] = Field(default_factory=dict, max_length=20)
    rule: dict[str, Any]
    sources: list[SourceWrite] = Field(min_length=1, max_length=20)

    @field_validator("sources")
    @classmethod
    def _unique_source_ids(cls, sources: list[SourceWrite]) -> list[SourceWrite]:
        ids = [s.id for s in sources]
        if len(ids) != len(set(ids)):
            raise ValueError("source ids must be unique")
        return sources


Notes = Annotated[str, StringConstraints(max_length=2000)]


class OfferDraftCreate(InputModel):
    """Starts the next version of the council's offer as a copy of the current one."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"notes": "Leisure pass: clearer wording; driving lessons added."}]}
    )

    notes: Notes = Field(default="", description="What this version changes, in the council's words")


class OfferDraftRead(BaseModel):
    """The council's next version of its offer, being edited: only its administrators see it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "local_authority": {"gss_code": "E10000024", "name": "Nottinghamshire County Council"},
                    "version": 2,
                    "created_at": "2026-11-23T14:05:00Z",
                    "notes": "Leisure pass: clearer wording; driving lessons added.",
                    "entitlements": [_ENTITLEMENT],
                }
            ]
        }
    )

    local_authority: LocalAuthorityRef
    version: int = Field(description="The number this version will have once published")
    created_at: datetime
    notes: str
    entitlements: list[EntitlementRead]


class WithdrawalCreate(InputModel):
    """Stop offering an entitlement from a date, once the draft is published."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"withdrawn_from": "2027-04-01"}]})

    withdrawn_from: IsoDate = Field(
        description="The first day it is no longer offered: today or later, and after `available_from`"
    )


class OfferPublicationCreate(InputModel):
    """Publishes the draft: it becomes the offer young people see, from now."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"notes": "From 1 April 2027 the leisure pass is withdrawn."}]}
    )

    notes: Notes | None = Field(
        default=None, description="Replaces the draft's notes; leave out to keep them"
    )


# The eligibility check.

_FACTS_EXAMPLE: JsonDict = {
    "date_of_birth": "2003-02-14",
    "legal_status": "former_relevant",
    "district": "E07000170",
    "liable_for_council_tax": True,
    "in_higher_education": False,
    "living_independently": True,
    "weekly_work_hours": 16,
}


class Facts(BaseModel):
    """What the young person (or their adviser) tells us. Leave out what you do not know: never guessed."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_FACTS_EXAMPLE]})

    date_of_birth: DateOfBirth | None = None
    local_authority: CouncilCode | None = Field(
        default=None,
        description="GSS code of the council that looked after you; defaults to the council asked",
    )
    legal_status: LegalStatusName | None = Field(
        default=None, description="Leave out to derive it from the care history below"
    )
    district: AreaCode | None = Field(
        default=None, description="GSS code of where you live: a district, or a city"
    )
    liable_for_council_tax: StrictBool | None = Field(
        default=None, description="Would you have to pay council tax on your home, without an exemption?"
    )
    in_higher_education: StrictBool | None = None
    course_start: IsoDate | None = None
    course_end: IsoDate | None = None
    in_further_education: StrictBool | None = None
    in_residential_further_education: StrictBool | None = Field(
        default=None, description="Living away from home for a further-education course"
    )
    weekly_work_hours: StrictFloat | None = Field(default=None, ge=0, le=168)
    in_apprenticeship: StrictBool | None = None
    apprenticeship_start: IsoDate | None = None
    living_independently: StrictBool | None = Field(default=None, description="Living in your own home")
    moving_into_first_home: StrictBool | None = None
    first_home_on: IsoDate | None = Field(
        default=None,
        description="The day you moved (or move) into your first home: a setting-up-home allowance is the "
        "amount in force then",
    )
    pursuing_programme_in_pathway_plan: StrictBool | None = Field(
        default=None,
        description="On the education or training programme your pathway plan sets out (your personal "
        "adviser stays with you while you are, up to 25)",
    )
    staying_put: StrictBool | None = Field(
        default=None, description="Living with the foster carers you lived with on your 18th birthday"
    )
    has_mental_health_need: StrictBool | None = None
    immigration_status: ImmigrationStatus | None = None
    is_parent: StrictBool | None = None
    university: University | None = None
    still_looked_after: StrictBool | None = Field(default=None, description="Care history: still in care")
    looked_after_weeks_since_14: StrictInt | None = Field(
        default=None, ge=0, le=800, description="Care history: weeks in care in all after your 14th birthday"
    )
    left_care_on: IsoDate | None = Field(default=None, description="Care history: the day you left care")


class EligibilityCheck(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"local_authority": "E10000024", "on": "2026-11-23", "facts": _FACTS_EXAMPLE}]
        },
    )

    local_authority: CouncilCode = Field(description="GSS code of the council whose offer to check")
    on: AsOfDate | None = Field(
        default=None,
        description="The date to answer for, with the offer version in force that day (as "
        "`GET /v1/local-authorities/{gss_code}/offer?on=` serves it); today (UK) and the current version if "
        "left out",
    )
    facts: Facts = Field(default_factory=Facts)


_REASON: JsonDict = {
    "code": "age.under_25",
    "result": "passed",
    "message": "You are 23, and this is for care leavers under 25.",
    "source": "Nottinghamshire County Council, report to Children and Young People's Committee, "
    "7 March 2022, para 59",
    "facts": ["date_of_birth"],
}
_RESULT: JsonDict = {
    "entitlement": "council-tax-exemption",
    "title": "No council tax until you are 25",
    "outcome": "eligible",
    "reasons": [_REASON],
    "missing_facts": [],
    "amount": None,
    "starts_on": None,
    "ends_on": "2028-02-13",
    "what_would_change": [],
}


class EligibilityReason(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_REASON]})

    code: str = Field(description="Machine code of the condition, stable for a given rule")
    result: Literal["passed", "failed", "unknown"]
    message: str = Field(description="The condition in words a young person understands")
    source: str = Field(description="The statute or council document the condition comes from")
    facts: list[str] = Field(description="The facts this condition looked at")


class AmountDue(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "amount_pence": 300000,
                    "currency": "GBP",
                    "display": "£3,000",
                    "period": "once",
                    "qualifier": "up_to",
                }
            ]
        }
    )

    amount_pence: int
    currency: Literal["GBP"]
    display: str
    period: Period
    qualifier: Qualifier


class EligibilityResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_RESULT]})

    entitlement: str = Field(description="The entitlement's code")
    title: str
    outcome: Outcome
    reasons: list[EligibilityReason] = Field(description="Every condition that decided the outcome, in words")
    missing_facts: list[str] = Field(description="For `unknown`: the facts that would decide it")
    amount: AmountDue | None
    starts_on: date | None = Field(
        description="Not eligible now, but eligible from this date if nothing changes"
    )
    ends_on: date | None = Field(description="Eligible up to and including this date if nothing changes")
    what_would_change: list[str] = Field(description="For `not_eligible`: what would make you eligible")


class EligibilityReport(BaseModel):
    """The answer for every entitlement in the council's current offer, on one date."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "local_authority": "E10000024",
                    "on": "2026-11-23",
                    "offer_version": 1,
                    "offer_published_at": "2026-11-23T00:00:00Z",
                    "results": [_RESULT],
                }
            ]
        }
    )

    local_authority: str
    on: date
    offer_version: int = Field(description="The offer version the answer comes from, for the record")
    offer_published_at: datetime
    results: list[EligibilityResult]
