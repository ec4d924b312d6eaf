import { describe, expect, it } from "vitest";
import { loader as milestonesCsv } from "~/routes/rollout.milestones[.]csv";
import { loader as prioritiesCsv } from "~/routes/rollout.priorities[.]csv";
import { getRequest, settle, signInAs } from "../helpers/requests";

async function csvLines(response: Response) {
  return (await response.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
}

describe("milestones and priorities as CSV", () => {
  it("downloads the milestones with progress as at the date asked for", async () => {
    const cookie = await signInAs("board@example.org");
    const response = (await milestonesCsv({ request: getRequest("/rollout/milestones.csv?asAt=2016-07-31", cookie), params: {}, context: {} })) as Response;
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    expect(response.headers.get("Content-Disposition")).toContain("milestones-2016-07-31.csv");
    const lines = await csvLines(response);
    expect(lines[0]).toBe('"Milestone","Due","Target","On the due date","As at","Unit","Progress","As at date"');
    const services = lines.find((l) => l.startsWith('"32 services'))!;
    expect(services).toContain('"2016-07-31",32,');
    expect(services).toContain("32,");
  });

  it("downloads the priorities with their endorsement state", async () => {
    const cookie = await signInAs("practitioner@example.org");
    const response = (await prioritiesCsv({ request: getRequest("/rollout/priorities.csv", cookie), params: {}, context: {} })) as Response;
    const lines = await csvLines(response);
    expect(lines[0]).toBe('"Priority","Last endorsed","Minute","Re-endorsement due","Status","As at date"');
    expect(lines.length).toBe(5);
    expect(lines.some((l) => l.includes('"Re-endorsement overdue"'))).toBe(true);
  });

  it("asks a signed-out visitor to sign in", async () => {
    const result = (await settle(() => milestonesCsv({ request: getRequest("/rollout/milestones.csv"), params: {}, context: {} }))) as Response;
    expect(result.status).toBe(302);
  });
});
