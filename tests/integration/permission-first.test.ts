import { beforeAll, describe, expect, it } from "vitest";
import { inArray, count } from "drizzle-orm";
import { auditLog } from "../../db/schema";
import { getDb } from "~/lib/db.server";
import { action as agreementAction } from "~/routes/agreements.$reference._index";
import { action as agreementEditAction } from "~/routes/agreements.$reference.edit";
import { action as agreementDpiaAction } from "~/routes/agreements.$reference.dpia";
import { action as agreementEndAction } from "~/routes/agreements.$reference.end";
import { action as agreementSignAction } from "~/routes/agreements.$reference.sign";
import { action as caseAction } from "~/routes/cases.$reference._index";
import { action as caseSectionAction } from "~/routes/cases.$reference.edit.$section";
import { action as caseCheckAnswersAction } from "~/routes/cases.$reference.edit.check-answers";
import { action as assessAction } from "~/routes/maturity.assess";
import { dataOf, postRequest, settle, signInAs, statusOf } from "../helpers/requests";

// Permission first, record by record: a user whose role may use the route but who may not act on
// this record (an IG lead of another organisation, someone else's case or comment, a step for
// another role or on one's own case) is refused with 403 and one audit row, before any field is
// checked: they never see field errors (400) for a form they may not send.

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, string> }) => unknown;
type Case = { who: string; path: string; action: Action; params: Record<string, string>; fields: Record<string, string> };

const CASES: Record<string, Case> = {
  "an IG lead of a non-party editing an agreement": { who: "ig", path: "/agreements/ISA-004/edit", action: agreementEditAction as Action, params: { reference: "ISA-004" }, fields: {} },
  "an IG lead of a non-party keeping its DPIA": { who: "ig", path: "/agreements/ISA-004/dpia", action: agreementDpiaAction as Action, params: { reference: "ISA-004" }, fields: {} },
  "an IG lead of a non-party ending it": { who: "ig", path: "/agreements/ISA-004/end", action: agreementEndAction as Action, params: { reference: "ISA-004" }, fields: { status: "nonsense" } },
  "an IG lead of a non-party sending it for signature": { who: "ig", path: "/agreements/ISA-004", action: agreementAction as Action, params: { reference: "ISA-004" }, fields: { intent: "bogus" } },
  "a GP practice's IG lead signing for another party": { who: "ig.gp", path: "/agreements/ISA-004/sign", action: agreementSignAction as Action, params: { reference: "ISA-004" }, fields: {} },
  "a GP practice's IG lead declining for another party": { who: "ig.gp", path: "/agreements/ISA-004/sign", action: agreementSignAction as Action, params: { reference: "ISA-004" }, fields: { intent: "decline" } },
  "a GP practice's IG lead editing an agreement it is not party to": { who: "ig.gp", path: "/agreements/ISA-004/edit", action: agreementEditAction as Action, params: { reference: "ISA-004" }, fields: { title: "" } },
  "a practitioner editing someone else's draft": { who: "practitioner2", path: "/cases/BC-2016-010/edit/about", action: caseSectionAction as Action, params: { reference: "BC-2016-010", section: "about" }, fields: { title: "" } },
  "an IG lead editing someone else's draft": { who: "ig", path: "/cases/BC-2016-010/edit/risks", action: caseSectionAction as Action, params: { reference: "BC-2016-010", section: "risks" }, fields: {} },
  "a practitioner editing a section that does not exist in a colleague's case": { who: "practitioner", path: "/cases/BC-2016-006/edit/nonsense", action: caseSectionAction as Action, params: { reference: "BC-2016-006", section: "nonsense" }, fields: {} },
  "a practitioner submitting a colleague's returned case": { who: "practitioner", path: "/cases/BC-2016-006/edit/check-answers", action: caseCheckAnswersAction as Action, params: { reference: "BC-2016-006" }, fields: { version: "1" } },
  "an author requesting changes to their own case": { who: "practitioner", path: "/cases/BC-2016-007", action: caseAction as Action, params: { reference: "BC-2016-007" }, fields: { intent: "transition", action: "request_changes" } },
  "a practitioner requesting changes (an IG lead's step)": { who: "practitioner2", path: "/cases/BC-2016-007", action: caseAction as Action, params: { reference: "BC-2016-007" }, fields: { intent: "transition", action: "request_changes" } },
  "the programme team passing a case to the board": { who: "programme", path: "/cases/BC-2016-007", action: caseAction as Action, params: { reference: "BC-2016-007" }, fields: { intent: "transition", action: "pass_to_board" } },
  "an author approving their own case": { who: "practitioner2", path: "/cases/BC-2016-008", action: caseAction as Action, params: { reference: "BC-2016-008" }, fields: { intent: "transition", action: "approve" } },
  "an IG lead approving (a board decision)": { who: "ig", path: "/cases/BC-2016-008", action: caseAction as Action, params: { reference: "BC-2016-008" }, fields: { intent: "transition", action: "approve", rationale: "" } },
  "a CCG manager rejecting (a board decision)": { who: "ccg", path: "/cases/BC-2016-008", action: caseAction as Action, params: { reference: "BC-2016-008" }, fields: { intent: "transition", action: "reject" } },
  "a board member starting IG review": { who: "board", path: "/cases/BC-2016-009", action: caseAction as Action, params: { reference: "BC-2016-009" }, fields: { intent: "transition", action: "start_review", version: "x" } },
  "someone else withdrawing a case": { who: "practitioner2", path: "/cases/BC-2016-009", action: caseAction as Action, params: { reference: "BC-2016-009" }, fields: { intent: "transition", action: "withdraw" } },
  "a CCG manager returning a deferred case to the board": { who: "ccg", path: "/cases/BC-2016-004", action: caseAction as Action, params: { reference: "BC-2016-004" }, fields: { intent: "transition", action: "return_to_board" } },
  "a practitioner changing another person's comment": { who: "practitioner", path: "/cases/BC-2016-006", action: caseAction as Action, params: { reference: "BC-2016-006" }, fields: { intent: "edit-comment", commentId: "2", body: "" } },
  "a practitioner deleting another person's comment": { who: "practitioner", path: "/cases/BC-2016-006", action: caseAction as Action, params: { reference: "BC-2016-006" }, fields: { intent: "delete-comment", commentId: "1" } },
  "a GP practice's IG lead assessing another organisation": { who: "ig.gp", path: "/maturity/assess", action: assessAction as Action, params: {}, fields: { organisation: "RRF", framework: "WGLL" } },
};

const cookies: Record<string, string> = {};

beforeAll(async () => {
  const people = [...new Set(Object.values(CASES).map((c) => c.who))];
  for (const [i, who] of people.entries()) cookies[who] = await signInAs(`${who}@example.org`, undefined, `10.88.0.${i + 1}`);
});

function refusalRows() {
  return getDb().select({ n: count() }).from(auditLog).where(inArray(auditLog.action, ["access.refused", "case.refused"])).get()!.n;
}

describe("permission before validation, record by record", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`refuses ${name} with 403 and one audit row, showing no field errors`, async () => {
      const before = refusalRows();
      const result = await settle(() => c.action({ request: postRequest(c.path, c.fields, cookies[c.who]), params: c.params, context: { clientIp: "10.88.1.1" } }));
      expect(statusOf(result)).toBe(403);
      expect(refusalRows()).toBe(before + 1);
      if (!(result instanceof Response)) expect(dataOf<{ errors?: Record<string, string> }>(result).errors ?? {}).toEqual({});
    });
  }

  it("still shows field errors to someone who may act (an author saving their draft without a title)", async () => {
    const cookie = await signInAs("practitioner@example.org", undefined, "10.88.2.1");
    const result = await settle(() => caseAction({ request: postRequest("/cases/BC-2016-009", { intent: "comment", body: "" }, cookie), params: { reference: "BC-2016-009" }, context: {} }));
    expect(statusOf(result)).toBe(400);
    expect(Object.keys(dataOf<{ errors: Record<string, string> }>(result).errors)).toContain("comment-body");
  });
});
