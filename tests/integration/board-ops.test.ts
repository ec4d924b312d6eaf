import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { getDb } from "~/lib/db.server";
import { audit } from "~/lib/audit.server";
import { cachedTables } from "~/lib/data-version.server";
import {
  businessCaseAuthors,
  businessCases,
  organisations,
  users,
} from "../../db/schema";
import { createOptInReturn, createOrganisation } from "../../seeds/factories";
import { getUserWithRoles, type SignedInUser } from "~/models/users.server";
import { agreementsAwaitingSignatureBy } from "~/models/agreement-signing.server";
import {
  taskCountFor,
  taskCountForHeader,
  tasksFor,
} from "~/models/tasks.server";
import { transparencyReport } from "~/models/transparency.server";
import { loader as exceptionsLoader } from "~/routes/exceptions._index";
import { loader as exceptionsCsvLoader } from "~/routes/exceptions[.]csv";
import { loader as tasksLoader } from "~/routes/tasks";
import { loader as transparencyLoader } from "~/routes/transparency";
import { loader as organisationLoader } from "~/routes/organisations.$odsCode/route";
import {
  dataOf,
  tableRows,
  getRequest,
  settle,
  signInAs,
  statusOf,
} from "../helpers/requests";

const ASAT = "2016-10-31";
const db = () => getDb();
const user = (email: string): SignedInUser =>
  getUserWithRoles({
    userId: db()
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, email))
      .get()!.id,
  })!;
const orgId = (ods: string) =>
  db()
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.odsCode, ods))
    .get()!.id;
const groupsOf = (email: string) =>
  Object.fromEntries(
    tasksFor({ user: user(email), asAt: ASAT }).map((g) => [g.id, g.items])
  );
const args = (path: string, cookie?: string) => ({
  request: getRequest(path, cookie),
  params: {},
  context: {},
});

describe("the task inbox", () => {
  it("gives the board the case at board review and the priorities to endorse", () => {
    const g = groupsOf("board@example.org");
    expect(Object.keys(g)).toEqual(["cases-to-review", "priorities"]);
    expect(g["cases-to-review"]!.map((i) => i.title)).toEqual([
      expect.stringContaining("BC-2016-008"),
    ]);
    expect(g["cases-to-review"]![0]!.tag).toEqual({
      text: "Over the service level",
      color: "red",
    });
    expect(g.priorities!.map((i) => i.href)).toEqual([
      expect.stringMatching(/^\/rollout\/priorities\/\d+\/endorse$/),
      expect.stringMatching(/endorse$/),
    ]);
  });

  it("gives the CCG the cover expiring (every practice is covered, so no record is viewable without cover), and nothing else", () => {
    const g = groupsOf("ccg@example.org");
    expect(Object.keys(g)).toEqual(["cover"]);
    expect(g.cover!.map((i) => i.title)).toEqual([
      expect.stringContaining("Platt Bridge Surgery"),
      expect.stringContaining("Butts Bridge Practice"),
      expect.stringContaining("Poolstock Health Centre"),
    ]);
  });

  it("gives an IG lead their review queue, their organisation's signature and its exceptions", () => {
    const g = groupsOf("ig@example.org");
    expect(Object.keys(g)).toEqual([
      "cases-to-review",
      "agreements-to-sign",
      "exceptions-ig-lead",
    ]);
    expect(g["cases-to-review"]!.map((i) => i.title.slice(0, 11))).toContain(
      "BC-2016-007"
    );
    expect(
      g["agreements-to-sign"]!.map((i) => [i.title.slice(0, 10), i.href])
    ).toEqual([["ISA-003 v1", "/agreements/ISA-003/sign"]]);
    // The acute trust's frailty unit, ISA-001's review and ISA-002's high-risk DPIA; never another organisation's exceptions.
    expect(g["exceptions-ig-lead"]!.map((i) => i.id).sort()).toEqual([
      expect.stringMatching(/^agreement_review:ISA-001/),
      "dpia_high_risk_without_ico:ISA-002:2",
      expect.stringMatching(/^sharing_without_agreement:/),
    ]);
  });

  it("lists the agreements awaiting an organisation's signature, and none once it has signed", () => {
    expect(
      agreementsAwaitingSignatureBy({ organisationId: orgId("RRF") }).map(
        (a) => a.reference
      )
    ).toEqual(["ISA-003"]);
    expect(
      agreementsAwaitingSignatureBy({ organisationId: orgId("RY2") })
    ).toEqual([]);
  });

  it("gives a practitioner their drafts and cases returned with changes requested", () => {
    const me = user("practitioner@example.org");
    const own = db()
      .select({ reference: businessCases.reference })
      .from(businessCases)
      .innerJoin(
        businessCaseAuthors,
        eq(businessCaseAuthors.caseId, businessCases.id)
      )
      .where(
        and(
          eq(businessCaseAuthors.userId, me.id),
          inArray(businessCases.state, ["draft", "changes_requested"])
        )
      )
      .all()
      .map((r) => r.reference)
      .sort();
    const g = groupsOf("practitioner@example.org");
    expect(Object.keys(g)).toEqual(["own-cases"]);
    expect(own.length).toBeGreaterThan(0);
    expect(g["own-cases"]!.map((i) => i.title.split(":")[0]).sort()).toEqual(
      own
    );
    expect(g["own-cases"]!.every((i) => i.href.endsWith("/edit"))).toBe(true);
  });

  it("gives the programme team its exceptions, and the administrator no tasks", () => {
    const g = groupsOf("programme@example.org");
    expect(Object.keys(g)).toEqual(["exceptions-programme"]);
    expect(
      g["exceptions-programme"]!.some((i) =>
        i.id.startsWith("deployment_late:")
      )
    ).toBe(true);
    expect(
      g["exceptions-programme"]!.some((i) => i.id.startsWith("case_waiting"))
    ).toBe(false);
    expect(tasksFor({ user: user("admin@example.org"), asAt: ASAT })).toEqual(
      []
    );
  });

  it("counts exactly the items on the page", () => {
    for (const email of [
      "board@example.org",
      "ccg@example.org",
      "ig@example.org",
      "practitioner@example.org",
      "programme@example.org",
      "admin@example.org",
    ]) {
      const u = user(email);
      expect(taskCountFor({ user: u, asAt: ASAT })).toBe(
        tasksFor({ user: u, asAt: ASAT }).reduce(
          (n, g) => n + g.items.length,
          0
        )
      );
    }
    expect(taskCountFor({ user: user("board@example.org"), asAt: ASAT })).toBe(
      3
    );
    expect(taskCountFor({ user: user("ccg@example.org"), asAt: ASAT })).toBe(3);
  });

  it("keeps the header's count until a table it is counted from changes, then recomputes it", () => {
    {
      const board = user("board@example.org");
      expect(taskCountForHeader({ user: board })).toBe(3);
      // An audit row alone (a comment, a sign-in) changes nothing the count reads...
      db().transaction((tx) =>
        audit(
          tx,
          { userId: board.id, label: board.email },
          { action: "test.change", entityType: "test", entityId: "1" }
        )
      );
      expect(
        cachedTables("header-task-count", {
          user: board.id,
          organisation: board.organisationId,
          roles: ["board"],
          asAt: "2016-10-31",
        })
      ).toContain("business_cases");
      expect(taskCountForHeader({ user: board })).toBe(3);
      // ...a change to a case is seen at once, however it was written.
      db()
        .update(businessCases)
        .set({ state: "board_review" })
        .where(eq(businessCases.reference, "BC-2016-007"))
        .run();
      expect(taskCountForHeader({ user: board })).toBe(4);
      db()
        .update(businessCases)
        .set({ state: "ig_review" })
        .where(eq(businessCases.reference, "BC-2016-007"))
        .run();
      expect(taskCountForHeader({ user: board })).toBe(3);
    }
  });

  it("shows the page to every signed-in user and sends a signed-out visitor to sign in", async () => {
    const signedOut = (await settle(() =>
      tasksLoader(args("/tasks"))
    )) as Response;
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("Location")).toMatch(
      /^\/login\?redirectTo=%2Ftasks/
    );
    const cookie = await signInAs("ccg@example.org", undefined, "10.7.0.1");
    const page = dataOf<{ total: number; groups: { heading: string }[] }>(
      await tasksLoader(args("/tasks", cookie))
    );
    expect(page.groups.map((g) => g.heading)).toEqual([
      "Indemnity cover to renew or put in place",
    ]);
  });
});

describe("/exceptions and /exceptions.csv", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signInAs("practitioner@example.org", undefined, "10.7.0.2");
  });
  type Page = {
    total: number;
    counts: Record<string, number>;
    rows: {
      kind: string;
      severity: string;
      organisation: { locality: string | null } | null;
    }[];
    table: { pageSize: number };
  };
  const page = async (query: string) => {
    const data = dataOf<Page>(await exceptionsLoader(args(`/exceptions${query}`, cookie)));
    return { ...data, rows: tableRows<Page["rows"][number]>(data) };
  };

  it("require sign-in", async () => {
    for (const path of ["/exceptions", "/exceptions.csv"]) {
      const loader = path.endsWith(".csv")
        ? exceptionsCsvLoader
        : exceptionsLoader;
      const r = (await settle(() => loader(args(path)))) as Response;
      expect(r.status).toBe(302);
      expect(r.headers.get("Location")).toContain("/login");
    }
  });

  it("filters by severity, keeping the counts of every severity", async () => {
    const high = await page("?severity=high");
    expect(high.total).toBe(3);
    expect(high.rows.every((r) => r.severity === "high")).toBe(true);
    expect(high.counts.high).toBe(3);
    expect(high.counts.medium).toBeGreaterThan(0);
  });

  it("filters by kind, role, locality and organisation type, and ignores unknown values", async () => {
    expect(
      (await page("?kind=cover_expiring")).rows.map((r) => r.kind)
    ).toEqual(["cover_expiring", "cover_expiring", "cover_expiring"]);
    expect(new Set((await page("?role=ccg")).rows.map((r) => r.kind))).toEqual(
      new Set(["cover_expiring"])
    );
    const leigh = await page("?locality=Leigh");
    expect(
      leigh.rows
        .filter((r) => r.organisation)
        .every((r) => r.organisation!.locality === "Leigh")
    ).toBe(true);
    const hospice = await page(
      "?organisationType=hospice&kind=deployment_late"
    );
    expect(hospice.total).toBe(1);
    expect((await page("?kind=nonsense")).total).toBe((await page("")).total);
  });

  it("pages in the URL", async () => {
    const all = await page("");
    const first = await page("?pageSize=10");
    const second = await page("?pageSize=10&page=2");
    expect(first.rows).toHaveLength(10);
    expect(first.total).toBe(all.total);
    expect(second.rows[0]).toEqual(all.rows[10]);
  });

  it("downloads the same filtered exceptions as CSV, every page", async () => {
    const response = (await exceptionsCsvLoader(
      args("/exceptions.csv?severity=high&pageSize=1", cookie)
    )) as Response;
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const rows = parse((await response.text()).replace(/^\uFEFF/, ""), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.map((r) => r["Severity"])).toEqual(["High", "High", "High"]);
    // ISA-002's high-risk DPIA concerns its parties, not one organisation: no ODS code.
    expect(rows.map((r) => r["ODS code"]).sort()).toEqual([
      "",
      "P92031",
      "RRF",
    ]);
    expect(rows[0]!["Who should act"]).toBe("IG lead");
  });

  it("shows an organisation's exceptions on its page, and none where there are none", async () => {
    const rrf = dataOf<{ sections: { exceptions: { kind: string }[] } }>(
      await organisationLoader({
        ...args("/organisations/RRF", cookie),
        params: { odsCode: "RRF" },
      })
    );
    expect(rrf.sections.exceptions.map((e) => e.kind)).toContain(
      "sharing_without_agreement"
    );
    const calm = dataOf<{ sections: { exceptions: unknown[] } }>(
      await organisationLoader({
        ...args("/organisations/P92002", cookie),
        params: { odsCode: "P92002" },
      })
    );
    expect(
      calm.sections.exceptions.filter(
        (e) => (e as { kind: string }).kind !== "agreement_review_due"
      )
    ).toEqual([]);
  });
});

describe("the public transparency page", () => {
  it("needs no sign-in and names no person anywhere in its data", async () => {
    const result = await transparencyLoader(args("/transparency"));
    expect(statusOf(result)).toBe(200);
    const json = JSON.stringify(dataOf(result));
    const people = db()
      .select({ name: users.name, email: users.email })
      .from(users)
      .all();
    expect(people.length).toBeGreaterThan(5);
    for (const p of people) {
      expect(json).not.toContain(p.email);
      expect(json).not.toContain(p.name);
    }
    expect(json).not.toMatch(/@example\.org/);
  });

  it("lists services with a live record view by organisation, with the agreements that cover them", () => {
    const report = transparencyReport({ asAt: ASAT });
    const acute = report.viewingOrganisations.find((o) =>
      o.name.startsWith("Wrightington")
    )!;
    expect(
      acute.services.find((s) => s.name === "Frailty assessment unit")!
        .agreements
    ).toEqual([]);
    expect(
      acute.services.find((s) => s.name === "Emergency department")!.agreements
    ).toEqual(["ISA-001"]);
    expect(report.activeAgreements.map((a) => a.reference)).toEqual([
      "ISA-001",
      "ISA-002",
    ]);
    expect(report.activeAgreements[0]).toMatchObject({
      purpose: "Direct care",
      article6: "6(1)(e) public task",
      reviewOn: "2017-01-01",
    });
    expect(report.activeAgreements[0]!.parties).toContain(
      "Platt Bridge Surgery"
    );
  });

  it("suppresses a month's figures when fewer than 10 patients are behind them", () => {
    const practice = createOrganisation(db(), {
      name: "Tiny Practice",
      type: "gp_practice",
      status: "active",
      locality: "Wigan",
    });
    createOptInReturn(db(), {
      organisationId: practice.id,
      month: "2015-01",
      registered: 8,
      optedIn: 3,
      declined: 1,
    });
    const report = transparencyReport({ asAt: ASAT });
    const january = report.optIn.find((p) => p.month === "2015-01")!;
    expect(january).toEqual({
      month: "2015-01",
      rate: null,
      registered: "fewer than 10",
      optedIn: "fewer than 10",
    });
    expect(JSON.stringify(report.optIn)).not.toMatch(
      /"registered":"?8"?|"optedIn":"?3"?,/
    );
    const latest = report.optIn.at(-1)!;
    expect(latest.rate).toBeGreaterThan(50);
    expect(latest.registered).toMatch(/^\d{1,3}(,\d{3})+$/);
  });
});
