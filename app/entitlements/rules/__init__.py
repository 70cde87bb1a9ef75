"""The eligibility engine: pure, standard library only (enforced by import-linter and a test).

Rules are data stored with each entitlement version (`language`); `compile_offer` turns them into
plain objects once per offer version, and `CompiledOffer.evaluate(facts, on)` answers, for every
entitlement, eligible / not eligible / unknown with the reasons, the missing facts, the amount
and the dates on which the answer changes by itself.
"""

from app.entitlements.rules.engine import (
    Amount,
    CompiledEntitlement,
    CompiledOffer,
    Outcome,
    Reason,
    Result,
    RuleDataInvalid,
    compile_offer,
)
from app.entitlements.rules.facts import FACTS, Kind, LegalStatus, known_dates
from app.entitlements.rules.language import EntitlementData, RuleError, validate_entitlement
from app.entitlements.rules.params import Period, Qualifier, Unit
from app.entitlements.rules.person import Places

__all__ = [
    "FACTS",
    "Amount",
    "CompiledEntitlement",
    "CompiledOffer",
    "EntitlementData",
    "Kind",
    "LegalStatus",
    "Outcome",
    "Period",
    "Places",
    "Qualifier",
    "Reason",
    "Result",
    "RuleDataInvalid",
    "RuleError",
    "Unit",
    "compile_offer",
    "known_dates",
    "validate_entitlement",
]
