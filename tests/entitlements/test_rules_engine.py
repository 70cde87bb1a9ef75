"""The pure engine: three-valued logic, reasons, missing facts, amounts by date, and when answers change."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.entitlements.rules import (
    EntitlementData,
    Outcome,
    Places,
    Result,
    compile_offer,
    validate_entitlement,
)

SOURCES = {"law": "Children Act 1989 s23C", "council": "Council document, para 1"}
ON = date(2026, 11, 23)


def entitlement(rule: dict[str, Any], **extra: Any) -> EntitlementData:
    return EntitlementData(code="test", title="Test", rule=rule, sources=SOURCES, **extra)


def evaluate(data: EntitlementData, facts: dict[str, object], on: date = ON) -> Result:
    [result] = compile_offer([data], Places(areas={"E07000170": "Ashfield"})).evaluate(facts, on)
    return result


UNDER_25_IN_HE = entitlement({"all": [{"age_under": 25}, {"fact": "in_higher_education", "is": True}]})


def test_a_failed_condition_decides_even_when_another_fact_is_missing() -> None:
    result = evaluate(UNDER_25_IN_HE, {"in_higher_education": False})
    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert result.missing_facts == ()  # the date of birth could not change the answer: not asked for
    assert [(r.code, r.result) for r in result.reasons] == [("in_higher_education.yes", "failed")]
    assert result.what_would_change == ("if you start a university or other higher-education course",)


def test_unknown_names_only_the_facts_that_would_decide_it() -> None:
    result = evaluate(UNDER_25_IN_HE, {"in_higher_education": True})
    assert result.outcome is Outcome.UNKNOWN
    assert result.missing_facts == ("date_of_birth",)
    assert [r.result for r in result.reasons] == ["unknown", "passed"]
    assert (
        result.reasons[0].message
        == "We don't know your date of birth yet: this is for care leavers under 25."
    )


def test_eligible_says_why_in_words_and_when_it_ends() -> None:
    result = evaluate(UNDER_25_IN_HE, {"date_of_birth": date(2002, 5, 1), "in_higher_education": True})
    assert result.outcome is Outcome.ELIGIBLE
    assert result.reasons[0].message == "You are 24, and this is for care leavers under 25."
    assert result.reasons[0].source == "Children Act 1989 s23C"
    assert result.ends_on == date(2027, 4, 30)  # the day before the 25th birthday


def test_any_passes_on_one_part_and_reports_only_that_part() -> None:
    rule = entitlement(
        {
            "any": [
                {"fact": "moving_into_first_home", "is": True},
                {"fact": "living_independently", "is": True},
            ]
        }
    )
    result = evaluate(rule, {"living_independently": True})
    assert result.outcome is Outcome.ELIGIBLE
    assert [r.code for r in result.reasons] == ["living_independently.yes"]


def test_what_would_change_is_empty_when_something_unchangeable_also_fails() -> None:
    result = evaluate(UNDER_25_IN_HE, {"date_of_birth": date(1999, 1, 1), "in_higher_education": False})
    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert result.what_would_change == ()  # starting a course would not help a 27-year-old


def test_not_inverts_and_a_councils_own_words_replace_the_generated_sentence() -> None:
    rule = entitlement(
        {
            "not": {
                "fact": "is_parent",
                "is": True,
                "says": {"passed": "You are a parent.", "failed": "Not a parent."},
            }
        }
    )
    assert evaluate(rule, {"is_parent": False}).outcome is Outcome.ELIGIBLE
    result = evaluate(rule, {"is_parent": True})
    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert [(r.result, r.message) for r in result.reasons] == [("failed", "Not a parent.")]


def test_a_limit_can_be_a_dated_parameter_and_what_would_change_quotes_it() -> None:
    rule = entitlement(
        {"fact": "weekly_work_hours", "at_least": {"param": "hours"}},
        parameters={
            "hours": {
                "unit": "hours_per_week",
                "values": [
                    {"effective_from": "2020-01-01", "value": 14, "source": "council"},
                    {"effective_from": "2027-01-01", "value": 16, "source": "council"},
                ],
            }
        },
    )
    assert evaluate(rule, {"weekly_work_hours": 15}).outcome is Outcome.ELIGIBLE
    later = evaluate(rule, {"weekly_work_hours": 15}, date(2027, 1, 1))
    assert later.outcome is Outcome.NOT_ELIGIBLE
    assert later.what_would_change == ("if you work 16 hours a week or more",)
    # Eligible today, not from the day the limit rises: the answer changes by itself then.
    assert evaluate(rule, {"weekly_work_hours": 15}).ends_on == date(2026, 12, 31)


def test_an_amount_decided_by_an_event_date_follows_the_event_not_the_date_asked() -> None:
    rule = entitlement(
        {"fact": "in_apprenticeship", "is": True},
        parameters={
            "amount": {
                "unit": "pence",
                "basis": "apprenticeship_start",
                "values": [
                    {"effective_from": "2018-08-01", "value": 100000, "source": "law"},
                    {"effective_from": "2023-08-01", "value": 300000, "source": "law"},
                ],
            }
        },
        amount={"parameter": "amount", "period": "once"},
    )
    before = evaluate(rule, {"in_apprenticeship": True, "apprenticeship_start": date(2023, 7, 31)})
    after = evaluate(rule, {"in_apprenticeship": True, "apprenticeship_start": date(2023, 8, 1)})
    assert before.amount is not None and before.amount.pence == 100000
    assert after.amount is not None and after.amount.pence == 300000
    assert "when your apprenticeship started" in after.reasons[-1].message
    too_early = evaluate(rule, {"in_apprenticeship": True, "apprenticeship_start": date(2017, 9, 1)})
    assert too_early.outcome is Outcome.NOT_ELIGIBLE
    unknown = evaluate(rule, {"in_apprenticeship": True})
    assert unknown.outcome is Outcome.UNKNOWN and unknown.missing_facts == ("apprenticeship_start",)


def test_an_age_at_an_event_uses_the_event_date() -> None:
    rule = entitlement({"age_under": 25, "at": "course_start"})
    young_at_start = {"date_of_birth": date(2000, 1, 1), "course_start": date(2024, 9, 1)}
    assert evaluate(rule, young_at_start).outcome is Outcome.ELIGIBLE  # 26 now, 24 when the course started
    assert evaluate(rule, {"date_of_birth": date(2000, 1, 1)}).missing_facts == ("course_start",)


def test_a_date_compared_with_the_date_asked_changes_the_day_after() -> None:
    rule = entitlement({"fact": "course_end", "on_or_after": "on"})
    result = evaluate(rule, {"course_end": date(2027, 6, 30)})
    assert result.outcome is Outcome.ELIGIBLE and result.ends_on == date(2027, 6, 30)


def test_not_yet_eligible_says_when_it_starts() -> None:
    rule = entitlement({"age_at_least": 21})
    result = evaluate(rule, {"date_of_birth": date(2006, 3, 10)})
    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert result.starts_on == date(2027, 3, 10)
    assert "it starts on your 21st birthday, 10 March 2027" in result.reasons[0].message


def test_an_entitlement_outside_its_dates_is_not_eligible_and_says_so() -> None:
    rule = entitlement({"age_under": 25}, available_from=date(2019, 7, 1), withdrawn_from=date(2027, 4, 1))
    facts = {"date_of_birth": date(2003, 1, 1)}
    assert evaluate(rule, facts, date(2019, 6, 30)).reasons[0].code == "entitlement.not_yet_available"
    assert evaluate(rule, facts, date(2019, 6, 30)).starts_on == date(2019, 7, 1)
    assert evaluate(rule, facts).ends_on == date(2027, 3, 31)
    withdrawn = evaluate(rule, facts, date(2027, 4, 1))
    assert withdrawn.outcome is Outcome.NOT_ELIGIBLE
    assert withdrawn.reasons[0].message == "This was withdrawn from 1 April 2027."


def test_places_are_named_from_the_callers_names() -> None:
    rule = entitlement({"fact": "district", "in": ["E07000170"]})
    result = evaluate(rule, {"district": "E06000015"})
    assert result.reasons[0].message == (
        "You live in the area with GSS code E06000015, and this is only for homes in Ashfield."
    )


def test_the_same_offer_can_answer_with_outcomes_only() -> None:
    offer = compile_offer([UNDER_25_IN_HE], Places())
    assert offer.decide({"in_higher_education": False}, ON) == [Outcome.NOT_ELIGIBLE]


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (entitlement({"fact": "shoe_size", "is": True}), "rule.fact", "not a known fact"),
        (entitlement({"fact": "district", "is": True}), "rule.is", "does not apply"),
        (entitlement({"fact": "legal_status", "in": ["care_leaver"]}), "rule.in.0", "not a value of"),
        (entitlement({"fact": "district", "in": ["Ashfield"]}), "rule.in.0", "GSS code"),
        (entitlement({"age_under": 25, "at": "graduation"}), "rule.at", "not a known date"),
        (entitlement({"age_under": {"param": "nope"}}), "rule.age_under", "parameters"),
        (entitlement({"all": []}), "rule.all", "non-empty"),
        (entitlement({"fact": "is_parent", "is": True, "source": "gossip"}), "rule.source", "sources"),
        (entitlement({"fact": "is_parent", "is": True, "colour": "red"}), "rule.colour", "not part of"),
        (entitlement({"fact": "course_start", "on_or_after": "soon"}), "rule.on_or_after", "a date"),
        (
            entitlement(
                {"age_under": 25},
                parameters={
                    "amount": {
                        "unit": "pence",
                        "basis": "graduation",
                        "values": [{"effective_from": "2020-01-01", "value": 1, "source": "law"}],
                    }
                },
            ),
            "parameters.amount.basis",
            "not a known date",
        ),
        (
            entitlement(
                {"age_under": 25},
                parameters={
                    "amount": {
                        "unit": "pence",
                        "values": [
                            {"effective_from": "2023-01-01", "value": 1, "source": "law"},
                            {"effective_from": "2022-01-01", "value": 2, "source": "law"},
                        ],
                    }
                },
            ),
            "parameters.amount.values.1.effective_from",
            "date order",
        ),
        (
            entitlement({"age_under": 25}, amount={"parameter": "gone", "period": "once"}),
            "amount.parameter",
            "pence",
        ),
        # An admin's JSON may put a list or an object where a name belongs: refused, never a crash.
        (entitlement({"age_under": 25, "at": []}), "rule.at", "not a known date"),
        (entitlement({"fact": ["date_of_birth"], "before": "on"}), "rule.fact", "not a known fact"),
        (entitlement({"fact": "is_parent", "is": True, "source": {}}), "rule.source", "sources"),
        (entitlement({"fact": "legal_status", "in": [["relevant"]]}), "rule.in.0", "not a value of"),
    ],
)
def test_rules_that_name_unknown_facts_dates_or_parameters_are_refused(
    data: EntitlementData, path: str, words: str
) -> None:
    errors = validate_entitlement(data)
    assert any(e.path == path and words in e.message for e in errors), errors


def test_deeply_nested_rules_are_refused() -> None:
    node: dict[str, Any] = {"fact": "is_parent", "is": True}
    for _ in range(12):
        node = {"not": node}
    assert any("nest" in e.message for e in validate_entitlement(entitlement(node)))
