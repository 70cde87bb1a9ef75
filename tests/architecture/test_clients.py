"""Clients generated from the committed contract work: the Python one against a live server, the
TypeScript types under the compiler.

openapi-python-client drops any schema (and every operation answering with it) that it cannot read, and
says so only in a warning; a warning fails here. The Python flow uses nothing but the generated
functions and models, as a council's integration would. The TypeScript check compiles a small client
(tests/clients/typescript/client.ts) against the types openapi-typescript generates.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import uuid
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import attrs
import pytest

from tests.support.contract_tools import CONTRACT, PINS, node_tool, python_tool, run_tool

pytestmark = pytest.mark.slow

PACKAGE = "local_offer_client"


@pytest.fixture(scope="module")
def python_client(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    parent = tmp_path_factory.mktemp("python-client")
    result = run_tool(
        [
            python_tool("openapi-python-client"),
            "generate",
            "--path",
            CONTRACT,
            "--output-path",
            parent / PACKAGE,
            "--meta",
            "none",
            "--fail-on-warning",
        ]
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(parent))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(parent))


def api(name: str) -> Any:
    """A generated module: `api("sign_in.create_token")`, `models`."""
    return importlib.import_module(f"{PACKAGE}.{name}" if name != "models" else f"{PACKAGE}.models")


def test_every_schema_and_operation_survives_generation(python_client: ModuleType) -> None:
    models = api("models")
    # The schemas that used to be dropped as duplicates, and the operations that lost their 200.
    for name in ("EntitlementContact", "EligibilityReason", "LegalStatusReason", "LocalAuthorityRef"):
        assert hasattr(models, name), name
    for name in ("OfferRead", "EntitlementRead", "EntitlementPage", "EligibilityReport", "OfferDraftRead"):
        assert hasattr(models, name), name
    assert models.OfferRead in get_args(api("api.local_offer.get_offer").sync.__annotations__["return"])
    # File fields are files, not strings.
    assert attrs.fields_dict(models.ImportCareLeaversBody)["file"].type in ("File", api("types").File)


def _sign_in(base_url: str, email: str) -> Any:
    models, client = api("models"), api("client")
    token = api("api.sign_in.create_token").sync(
        client=client.Client(base_url=base_url),
        body=models.TokenRequest(
            grant_type=models.TokenRequestGrantType.PASSWORD, username=email, password="demo"
        ),
    )
    assert isinstance(token, models.TokenResponse), token
    return client.AuthenticatedClient(base_url=base_url, token=token.access_token)


def test_a_personal_adviser_works_through_the_generated_client(
    python_client: ModuleType, live_url: str
) -> None:
    models = api("models")
    adviser = _sign_in(live_url, "pa1@nottingham.demo")

    me = api("api.sign_in.get_me").sync(client=adviser)
    assert isinstance(me, models.MeRead), me
    assert me.local_authority.gss_code == "E06000018"

    assert me.adviser_id == me.user_id
    caseload = api("api.personal_advisers.get_my_caseload").sync(client=adviser)
    assert isinstance(caseload, models.CaseloadEntryPage), caseload
    same = api("api.personal_advisers.get_caseload").sync(me.adviser_id, client=adviser)
    assert isinstance(same, models.CaseloadEntryPage), same
    assert [e.care_leaver_id for e in same.items] == [e.care_leaver_id for e in caseload.items]
    aisha = next(entry for entry in caseload.items if entry.name.endswith("Example"))

    person = api("api.care_leavers.get_care_leaver").sync(aisha.care_leaver_id, client=adviser)
    assert isinstance(person, models.CareLeaverRead), person
    assert person.adviser.id == me.user_id

    versions = api("api.pathway_plans.list_pathway_plan_versions").sync(person.id, client=adviser)
    assert isinstance(versions, models.PlanVersionPage), versions
    plan = api("api.pathway_plans.get_pathway_plan").sync(versions.items[0].id, client=adviser)
    assert isinstance(plan, models.PlanRead), plan
    assert plan.care_leaver_id == person.id and plan.etag

    # A record the adviser may not see answers with a problem the client parses, code and all.
    missing = api("api.care_leavers.get_care_leaver").sync(uuid.uuid4(), client=adviser)
    assert isinstance(missing, models.Problem), missing
    assert missing.code == models.ProblemCode.CARE_LEAVER_NOT_FOUND


def test_anyone_reads_the_offer_and_checks_eligibility(python_client: ModuleType, live_url: str) -> None:
    models, public = api("models"), api("client").Client(base_url=live_url)

    offer = api("api.local_offer.get_offer").sync("E06000018", client=public)
    assert isinstance(offer, models.OfferRead), offer
    assert offer.local_authority.name == "Nottingham City Council"
    assert offer.entitlements and all(e.contacts is not None for e in offer.entitlements)

    check = models.EligibilityCheck(
        local_authority="E06000018",
        on=date(2026, 11, 23),
        facts=models.Facts(
            date_of_birth=date(2005, 6, 15),
            legal_status=models.LegalStatusName.FORMER_RELEVANT,
            district="E06000018",
            liable_for_council_tax=True,
        ),
    )
    report = api("api.eligibility.check_eligibility").sync(client=public, body=check)
    assert isinstance(report, models.EligibilityReport), report
    council_tax = next(r for r in report.results if r.entitlement == "council-tax-exemption")
    assert council_tax.outcome.value == "eligible"
    assert all(isinstance(reason, models.EligibilityReason) for reason in council_tax.reasons)


def test_an_admin_imports_a_csv_and_writes_a_plan_with_if_match(
    python_client: ModuleType, live_url: str
) -> None:
    models, types = api("models"), api("types")
    admin = _sign_in(live_url, "admin@nottingham.demo")
    reference = f"CLIENT-{uuid.uuid4().hex[:8]}"
    csv = (
        "case_reference,given_name,family_name,date_of_birth,district_gss_code,left_care_on,"
        "weeks_looked_after_since_14\n"
        f"{reference},Dana,Client,15/06/2006,E06000018,15/06/2024,200\n"
    )
    upload = models.ImportCareLeaversBody(
        file=types.File(payload=csv.encode(), file_name="export.csv", mime_type="text/csv")
    )
    report = api("api.care_leavers.import_care_leavers").sync(client=admin, body=upload)
    assert isinstance(report, models.ImportReportRead), report
    assert report.imported and report.rows[0].outcome == "created"

    found = api("api.care_leavers.list_care_leavers").sync(client=admin, q=reference)
    assert isinstance(found, models.CareLeaverPage), found
    (person,) = found.items

    draft = api("api.pathway_plans.start_pathway_plan").sync(person.id, client=admin)
    assert isinstance(draft, models.PlanRead), draft
    change = models.PlanUpdate(contingency_plan="Her supported lodgings are extended.")
    updated = api("api.pathway_plans.update_pathway_plan").sync(
        draft.id, client=admin, body=change, if_match=draft.etag
    )
    assert isinstance(updated, models.PlanRead), updated
    assert updated.contingency_plan == "Her supported lodgings are extended."
    stale = api("api.pathway_plans.update_pathway_plan").sync(
        draft.id, client=admin, body=change, if_match=draft.etag
    )
    assert isinstance(stale, models.Problem), stale
    assert stale.code == models.ProblemCode.REQUEST_PRECONDITION_FAILED


def test_typescript_types_compile_with_a_small_client(tmp_path: Path) -> None:
    generated = run_tool(
        [node_tool("openapi-typescript"), CONTRACT, "--output", tmp_path / "schema.d.ts"], cwd=tmp_path
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "warn" not in (generated.stdout + generated.stderr).lower(), generated.stdout + generated.stderr
    for name in ("client.ts", "tsconfig.json"):
        shutil.copy(PINS / "typescript" / name, tmp_path / name)
    compiled = run_tool([node_tool("tsc"), "--noEmit", "--project", tmp_path / "tsconfig.json"], cwd=tmp_path)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
