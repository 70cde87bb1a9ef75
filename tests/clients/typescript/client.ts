// A small client written the way a council's app would, against the types openapi-typescript
// generates from openapi/openapi.json (as ./schema.d.ts). tests/architecture/test_clients.py runs
// `tsc --noEmit` on it: a change to the contract that would break TypeScript callers fails there.
import type { components, operations } from "./schema";

type Schemas = components["schemas"];
type Json<Op extends keyof operations, Status extends number> = operations[Op]["responses"] extends Record<
  Status,
  { content: { "application/json": infer Body } }
>
  ? Body
  : never;

export type Problem = Schemas["Problem"];

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export class LocalOfferClient {
  private token: string | undefined;

  constructor(private readonly baseUrl: string) {}

  async signIn(username: string, password: string): Promise<Json<"create_token", 200>> {
    const form: Schemas["TokenRequest"] = { grant_type: "password", username, password };
    const body = new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)]));
    const token = await this.send<Json<"create_token", 200>>("POST", "/v1/auth/token", { body });
    this.token = token.access_token;
    return token;
  }

  me(): Promise<Schemas["MeRead"]> {
    return this.send("GET", "/v1/me");
  }

  myCaseload(): Promise<Json<"get_my_caseload", 200>> {
    return this.send("GET", "/v1/me/caseload");
  }

  caseload(adviserId: operations["get_caseload"]["parameters"]["path"]["adviser_id"]): Promise<Schemas["CaseloadEntryPage"]> {
    return this.send("GET", `/v1/advisers/${adviserId}/caseload`);
  }

  careLeaver(id: string): Promise<Json<"get_care_leaver", 200>> {
    return this.send("GET", `/v1/care-leavers/${id}`);
  }

  checkEligibility(check: Schemas["EligibilityCheck"]): Promise<Schemas["EligibilityReport"]> {
    return this.send("POST", "/v1/eligibility/check", { json: check });
  }

  offer(gssCode: string): Promise<Schemas["OfferRead"]> {
    return this.send("GET", `/v1/local-authorities/${gssCode}/offer`);
  }

  updatePathwayPlan(
    planId: string,
    headers: operations["update_pathway_plan"]["parameters"]["header"],
    change: Schemas["PlanUpdate"],
  ): Promise<Json<"update_pathway_plan", 200>> {
    return this.send("PATCH", `/v1/pathway-plans/${planId}`, { json: change, headers: { "If-Match": headers["if-match"] } });
  }

  importCareLeavers(csv: Blob, mode: Schemas["ImportMode"]): Promise<Json<"import_care_leavers", 200>> {
    const field: keyof Schemas["ImportCareLeaversBody"] = "file";
    const body = new FormData();
    body.append(field, csv, "export.csv");
    return this.send("POST", `/v1/care-leavers/imports?mode=${mode}`, { body });
  }

  private async send<T>(
    method: string,
    path: string,
    options: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token !== undefined) headers["Authorization"] = `Bearer ${this.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = body;
    const response = await fetch(this.baseUrl + path, init);
    if (!response.ok) throw new ProblemError((await response.json()) as Problem);
    return (await response.json()) as T;
  }
}

/** What the app tells a young person; `code` is an enum, so each case is checked against the contract. */
export function explain(problem: Problem): string {
  switch (problem.code) {
    case "auth.invalid_grant":
      return "That email address or password is not right.";
    case "auth.too_many_attempts":
      return "Too many tries: wait a little, then try again.";
    case "request.precondition_failed":
      return "Someone changed this first: we have loaded the latest version.";
    default:
      return problem.detail;
  }
}

export function firstReason(report: Schemas["EligibilityReport"]): Schemas["EligibilityReason"] | undefined {
  return report.results.flatMap((result) => result.reasons)[0];
}

export function councilOf(me: Schemas["MeRead"]): Schemas["LocalAuthorityRef"] | null {
  return me.local_authority;
}

// @ts-expect-error: Problem.code lists the documented codes; one the API never sends does not type-check.
export const unknownCode: Problem["code"] = "auth.no_such_code";

// @ts-expect-error: If-Match is required where the API answers 428 without it.
export const withoutIfMatch: operations["update_pathway_plan"]["parameters"]["header"] = {};
