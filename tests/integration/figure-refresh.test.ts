import { afterEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { forgetFigures, staleRecentFigures, takeFigureComputations } from "~/lib/data-version.server";
import { addComment } from "~/models/cases.server";
import { confirmOptInUpload, previewOptInUpload } from "~/models/opt-in-upload.server";
import { figureRefreshIdle, forgetFigureRefresh, RECENTLY_READ_MS, refreshCurrentFigures, refreshSteps, scheduleFigureRefresh, workOutFiguresAtStart } from "~/models/figure-refresh.server";
import { listLocalities } from "~/models/organisations.server";
import { changeDeploymentStatus } from "~/models/rollout.server";
import { getReportingDate } from "~/models/settings.server";
import { getUserWithRoles } from "~/models/users.server";
import { loader as dashboardLoader } from "~/routes/_index";
import { loader as boardPackLoader } from "~/routes/board-pack";
import { loader as consentLoader } from "~/routes/consent._index";
import { loader as rolloutLoader } from "~/routes/rollout._index";
import { loader as organisationsLoader } from "~/routes/organisations._index";
import { loader as agreementsLoader } from "~/routes/agreements._index";
import { loader as indemnityLoader } from "~/routes/indemnity._index";
import { loader as maturityLoader } from "~/routes/maturity._index";
import { loader as exceptionsLoader } from "~/routes/exceptions._index";
import { loader as transparencyLoader } from "~/routes/transparency";
import { loader as tasksLoader } from "~/routes/tasks";
import { businessCases, deployments, users } from "../../db/schema";
import { getRequest, signInAs } from "../helpers/requests";

// After a change through the app, the worker that made it works out the most-read pages' figures
// for the reporting date again (app/models/figure-refresh.server.ts), so the next person to open
// the dashboard, the exceptions, the board pack or the public page finds them ready.

const userOf = (email: string) => getUserWithRoles({ userId: getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id })!;
const actorOf = (email: string) => ({ userId: userOf(email).id, label: email });

/** Each page as a person opens it (no query), and the figures its loader worked out. */
async function openPages() {
  const cookie = await signInAs("board@example.org");
  takeFigureComputations();
  const args = (path: string) => ({ request: getRequest(path, cookie), params: {}, context: {} });
  await dashboardLoader(args("/"));
  await exceptionsLoader(args("/exceptions"));
  await consentLoader(args("/consent"));
  await rolloutLoader(args("/rollout"));
  await organisationsLoader(args("/organisations"));
  await agreementsLoader(args("/agreements"));
  await indemnityLoader(args("/indemnity"));
  await maturityLoader(args("/maturity"));
  await boardPackLoader(args("/board-pack"));
  await transparencyLoader(args("/transparency"));
  return [...takeFigureComputations().keys()];
}

function startADeployment() {
  const planned = getDb().select({ id: deployments.id }).from(deployments).where(eq(deployments.status, "planned")).all();
  expect(planned.length).toBeGreaterThan(0);
  changeDeploymentStatus({ actor: actorOf("programme@example.org"), id: planned[0]!.id, input: { status: "in_progress", effectiveOn: getReportingDate(), note: "Started" } });
}

afterEach(() => {
  forgetFigureRefresh();
  vi.useRealTimers();
});

describe("figures worked out again straight after a change", () => {
  it("leaves nothing for the next person to work out on the most-read pages after a deployment starts", async () => {
    await openPages();
    refreshCurrentFigures();
    // Without a refresh the pages work the moved figures out on first read.
    startADeployment();
    expect(await openPages()).not.toEqual([]);
    // With one, they find them ready.
    startADeployment();
    const refresh = refreshCurrentFigures();
    expect(refresh.refreshed).toBe(true);
    expect(await openPages()).toEqual([]);
  });

  it("also has ready what people read recently with filters, at a past date or as themselves, but not what was read longer ago", async () => {
    const board = await signInAs("board@example.org");
    const programme = await signInAs("programme@example.org");
    const locality = listLocalities()[0]!;
    const args = (path: string, cookie = board) => ({ request: getRequest(path, cookie), params: {}, context: {} });
    const openOthers = async () => {
      takeFigureComputations();
      await dashboardLoader(args(`/?locality=${encodeURIComponent(locality)}`));
      await exceptionsLoader(args("/exceptions?asAt=2016-07-31"));
      await rolloutLoader(args("/rollout?status=planned"));
      await tasksLoader(args("/tasks", programme));
      return [...takeFigureComputations().keys()];
    };
    // One that is under way (the other tests start the planned ones): paused, then live.
    const id = getDb().select({ id: deployments.id }).from(deployments).where(eq(deployments.status, "in_progress")).get()!.id;
    const move = (status: "paused" | "live") =>
      changeDeploymentStatus({ actor: actorOf("programme@example.org"), id, input: { status, effectiveOn: getReportingDate(), note: "Moved" } });
    await openPages();
    refreshCurrentFigures();
    expect(await openOthers()).not.toEqual([]); // worked out as they are first read
    move("paused");
    expect(refreshCurrentFigures().refreshed).toBe(true);
    expect(await openOthers()).toEqual([]);
    // Read longer ago than RECENTLY_READ_MS: left to its next reader.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + RECENTLY_READ_MS + 60_000);
    move("live");
    refreshCurrentFigures();
    expect(await openOthers()).toEqual(expect.arrayContaining(["dashboard", "rollout-register"]));
  });

  it("works a change's figures out a part at a time, each part before what it is part of, those only the refresh worked out too", async () => {
    // Worked out by the refresh alone (no one has opened a page since this worker started).
    forgetFigures();
    refreshCurrentFigures();
    // An opt-in return (the other tests start the planned deployments).
    const programme = userOf("programme@example.org");
    const text = ["ods_code,month,registered,opted_in,declined,not_asked", "P92001,2016-10,6000,3200,100,2700"].join("\n");
    const preview = previewOptInUpload({ userId: programme.id, fileName: "oct.csv", text });
    expect(await confirmOptInUpload({ actor: actorOf(programme.email), userId: programme.id, uploadId: (preview as { uploadId: string }).uploadId })).toMatchObject({ ok: true });
    const steps = staleRecentFigures(RECENTLY_READ_MS);
    const names = steps.map((s) => s.figure);
    for (const name of ["exceptions.rule.opt-in", "exceptions-list", "dashboard"]) expect(names).toContain(name);
    expect(names.indexOf("exceptions.rule.opt-in")).toBeLessThan(names.indexOf("exceptions-list"));
    expect(names.indexOf("exceptions-list")).toBeLessThan(names.indexOf("dashboard"));
    // Each step works out its own figure and nothing else: its parts were worked out by the steps before it.
    takeFigureComputations();
    for (const step of steps) {
      step.run();
      expect([...takeFigureComputations().keys()].filter((name) => name !== step.figure), step.figure).toEqual([]);
    }
    // Then the pages find everything worked out.
    refreshCurrentFigures();
    expect(await openPages()).toEqual([]);
  });

  it("has the consent page's figures ready after an opt-in return is imported", async () => {
    const programme = userOf("programme@example.org");
    const importReturn = async (optedIn: number) => {
      const preview = previewOptInUpload({ userId: programme.id, fileName: "oct.csv", text: ["ods_code,month,registered,opted_in,declined,not_asked", `P92001,2016-10,6000,${optedIn},100,${5900 - optedIn}`].join("\n") });
      expect(preview).toMatchObject({ ok: true });
      expect(await confirmOptInUpload({ actor: actorOf(programme.email), userId: programme.id, uploadId: (preview as { uploadId: string }).uploadId })).toMatchObject({ ok: true });
    };
    await openPages();
    refreshCurrentFigures();
    await importReturn(3000);
    expect(await openPages()).toContain("consent-register");
    await importReturn(3100);
    expect(refreshCurrentFigures().refreshed).toBe(true);
    expect(await openPages()).toEqual([]);
  });

  it("only looks at the change counters after a change none of those figures read", async () => {
    refreshCurrentFigures();
    const programme = userOf("programme@example.org");
    const kase = getDb().select().from(businessCases).get()!;
    addComment({ actor: actorOf(programme.email), user: programme, reference: kase.reference, body: "A comment moves no figure" });
    takeFigureComputations();
    expect(refreshCurrentFigures().refreshed).toBe(false);
    expect([...takeFigureComputations().keys()]).toEqual([]);
  });

  it("works the pages' figures out a moment after a worker starts, so their first readers find them ready (unless turned off)", async () => {
    const previous = process.env.SHAREBOARD_FIGURE_REFRESH_MS;
    try {
      process.env.SHAREBOARD_FIGURE_REFRESH_MS = "off";
      forgetFigures();
      workOutFiguresAtStart();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await openPages()).toEqual(expect.arrayContaining(["dashboard", "consent-register", "board-pack"]));
      // A worker just started: nothing kept.
      forgetFigures();
      forgetFigureRefresh();
      process.env.SHAREBOARD_FIGURE_REFRESH_MS = "20";
      workOutFiguresAtStart();
      expect(figureRefreshIdle()).toBe(false);
      // It goes a figure or a page at a time; once it has finished, the pages work out nothing.
      await vi.waitFor(() => expect(figureRefreshIdle()).toBe(true), { timeout: 10_000 });
      expect(await openPages()).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.SHAREBOARD_FIGURE_REFRESH_MS;
      else process.env.SHAREBOARD_FIGURE_REFRESH_MS = previous;
    }
  });

  it("at a worker's start works out the longest parts each in a step of its own before the pages, which then work out none of them", () => {
    forgetFigures();
    takeFigureComputations();
    const worked: Record<string, string[]> = {};
    for (const step of refreshSteps(getReportingDate())) {
      step.run();
      worked[step.name] = [...takeFigureComputations().keys()];
    }
    const names = Object.keys(worked);
    expect(names.slice(0, 2)).toEqual(["opt-in-practices", "exceptions.rule.sharing-without-agreement"]);
    expect(worked["opt-in-practices"]!.filter((f) => f !== "settings")).toEqual(["opt-in-practices"]);
    // Each rule its own step, reading the practice list already kept, and no other rule.
    const rules = names.filter((n) => n.startsWith("exceptions.rule."));
    expect(rules).toHaveLength(10);
    for (const rule of rules) expect(worked[rule]!.filter((f) => f.startsWith("exceptions.rule.") || f === "opt-in-practices"), rule).toEqual([rule]);
    expect(worked["summary-figures"]).toContain("summary-figures");
    // The pages come last, and the dashboard's step works out none of the parts before it (only
    // what it puts together from them, such as the exception counts from the rules' lists).
    expect(names.indexOf("page 1")).toBeGreaterThan(names.indexOf("summary-figures (previous month end)"));
    expect(worked["page 1"]).toContain("dashboard");
    expect(worked["page 1"]!.filter((f) => f.startsWith("exceptions.rule.") || f === "opt-in-practices" || f === "summary-figures" || (f.startsWith("summary:") && f !== "summary:exceptions"))).toEqual([]);
  });

  it("runs once, a moment after several changes close together, and can be turned off", async () => {
    const previous = process.env.SHAREBOARD_FIGURE_REFRESH_MS;
    try {
      await openPages();
      refreshCurrentFigures();
      process.env.SHAREBOARD_FIGURE_REFRESH_MS = "20";
      startADeployment();
      scheduleFigureRefresh();
      startADeployment();
      scheduleFigureRefresh();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await openPages()).toEqual([]);

      process.env.SHAREBOARD_FIGURE_REFRESH_MS = "off";
      startADeployment();
      scheduleFigureRefresh();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await openPages()).not.toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.SHAREBOARD_FIGURE_REFRESH_MS;
      else process.env.SHAREBOARD_FIGURE_REFRESH_MS = previous;
    }
  });
});
