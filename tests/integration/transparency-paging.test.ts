import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { cachedTables } from "~/lib/data-version.server";
import { getSettings } from "~/models/settings.server";
import { loader as transparencyLoader } from "~/routes/transparency";
import { createDeployment, createOrganisation, createService, ensureCapabilities } from "../../seeds/factories";
import { getRequest, pageDataOf } from "../helpers/requests";

type Page = {
  viewingOrganisations: { name: string }[];
  organisationsPage: { page: number; pages: number; total: number };
  activeAgreements: unknown[];
  agreementsPage: { page: number; pages: number; total: number };
};
// The page's figures come as one JSON text (app/lib/json-text.ts).
const load = async (path: string) => pageDataOf<Page>(await transparencyLoader({ request: getRequest(path), params: {}, context: {} }), "page");

describe("the public page at regional scale", () => {
  it("pages the services that can view records, 20 organisations at a time, and never fails on a bad page number", async () => {
    const db = getDb();
    const caps = ensureCapabilities(db);
    const before = (await load("/transparency")).organisationsPage.total;
    for (let i = 0; i < 60; i++) {
      const org = createOrganisation(db, { name: `Zz Paging Pharmacy ${String(i).padStart(2, "0")}`, type: "private_provider", odsCode: `ZP${String(i).padStart(3, "0")}`, locality: "Wigan" });
      const service = createService(db, { organisationId: org.id, name: `Pharmacy service ${i}` });
      createDeployment(db, { serviceId: service.id, capabilityId: caps.mig_view.id, events: [{ status: "live", effectiveOn: "2016-06-01" }] });
    }
    const first = await load("/transparency");
    const total = before + 60;
    expect(first.organisationsPage).toEqual({ page: 1, pages: Math.ceil(total / 20), total, size: 20 });
    expect(first.viewingOrganisations).toHaveLength(20);

    const last = await load(`/transparency?page=${first.organisationsPage.pages}`);
    expect(last.viewingOrganisations).toHaveLength(total - 20 * (first.organisationsPage.pages - 1));
    expect(last.viewingOrganisations.at(-1)!.name).toBe("Zz Paging Pharmacy 59");

    // Every organisation appears exactly once across the pages.
    const names: string[] = [];
    for (let p = 1; p <= first.organisationsPage.pages; p++) names.push(...(await load(`/transparency?page=${p}`)).viewingOrganisations.map((o) => o.name));
    expect(new Set(names).size).toBe(total);

    for (const bad of ["0", "-1", "abc", "9999999", "1e3"]) {
      const page = await load(`/transparency?page=${encodeURIComponent(bad)}`);
      expect(page.viewingOrganisations.length, bad).toBeGreaterThan(0);
    }
    expect((await load("/transparency?page=99")).organisationsPage.page).toBe(first.organisationsPage.pages);
    expect((await load("/transparency?agreementsPage=5")).agreementsPage.page).toBe(1);
    // Numbers past the end are kept as the page they show: typing many of them keeps no new pages.
    const asAt = getSettings().reporting_date;
    const kept = (page: number) => cachedTables("transparency-page", { asAt, page, agreementsPage: 1 });
    expect(kept(first.organisationsPage.pages)).not.toBeNull();
    await load("/transparency?page=123456");
    expect(kept(123456)).toBeNull();
    expect(kept(99)).toBeNull();
  });
});
