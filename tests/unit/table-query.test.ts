import { describe, expect, it } from "vitest";
import { hrefWith, pageCount, pageOffset, pageParam, parseTableQuery, sortParam } from "~/lib/table-query";

const options = {
  sortable: ["name", "locality", "signedUp"],
  defaultSort: { id: "name", desc: false },
} as const;

const parse = (query: string, extra: Partial<Parameters<typeof parseTableQuery>[1]> = {}) =>
  parseTableQuery(new URLSearchParams(query), { ...options, ...extra });

describe("parseTableQuery", () => {
  it("uses the defaults when the URL says nothing", () => {
    expect(parse("")).toEqual({ sort: { id: "name", desc: false }, page: 1, pageSize: 25 });
  });

  it("reads an ascending or a descending sort on a known column", () => {
    expect(parse("sort=locality").sort).toEqual({ id: "locality", desc: false });
    expect(parse("sort=-signedUp").sort).toEqual({ id: "signedUp", desc: true });
  });

  it("falls back to the default sort for unknown or malformed columns", () => {
    for (const sort of ["password", "-password", "-", "", "--name", "name;drop table"]) {
      expect(parse(`sort=${encodeURIComponent(sort)}`).sort).toEqual({ id: "name", desc: false });
    }
  });

  it("reads the page and page size", () => {
    expect(parse("page=3&pageSize=50")).toMatchObject({ page: 3, pageSize: 50 });
  });

  it("falls back to page 1 for anything that is not a whole number from 1", () => {
    for (const page of ["0", "-2", "2.5", "abc", "1e3", "", " 2", "99999999999999999999"]) {
      expect(parse(`page=${encodeURIComponent(page)}`).page).toBe(1);
    }
  });

  it("caps the page size and ignores nonsense", () => {
    expect(parse("pageSize=5000").pageSize).toBe(200);
    expect(parse("pageSize=5000", { maxPageSize: 100 }).pageSize).toBe(100);
    expect(parse("pageSize=0").pageSize).toBe(25);
    expect(parse("pageSize=ten", { pageSizeDefault: 10 }).pageSize).toBe(10);
  });
});

describe("hrefWith", () => {
  const current = new URLSearchParams("locality=North&sort=-name&page=4&asAt=2025-03-31");

  it("changes a parameter and goes back to page 1", () => {
    expect(hrefWith(current, { sort: "locality" })).toBe("?locality=North&sort=locality&asAt=2025-03-31");
  });

  it("removes a parameter given null", () => {
    expect(hrefWith(current, { locality: null })).toBe("?sort=-name&asAt=2025-03-31");
  });

  it("keeps everything else when only the page changes", () => {
    expect(hrefWith(current, { page: "5" })).toBe("?locality=North&sort=-name&page=5&asAt=2025-03-31");
    expect(hrefWith(current, { page: null })).toBe("?locality=North&sort=-name&asAt=2025-03-31");
  });

  it("encodes values and does not change the params it was given", () => {
    expect(hrefWith(current, { locality: "Bath & North East" })).toContain("locality=Bath+%26+North+East");
    expect(current.get("page")).toBe("4");
  });

  it("returns a bare ? when nothing is left", () => {
    expect(hrefWith(new URLSearchParams("page=2"), { page: null })).toBe("?");
  });
});

describe("paging arithmetic", () => {
  it("counts pages, with at least one", () => {
    expect(pageCount(312, 25)).toBe(13);
    expect(pageCount(300, 25)).toBe(12);
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(10, 0)).toBe(1);
  });

  it("turns a page into the rows to skip", () => {
    expect(pageOffset(1, 25)).toBe(0);
    expect(pageOffset(3, 25)).toBe(50);
  });

  it("writes the sort parameter", () => {
    expect(sortParam({ id: "name", desc: true })).toBe("-name");
    expect(sortParam({ id: "name", desc: false })).toBe("name");
  });
});

describe("pageParam", () => {
  it("reads a page number from any parameter and takes anything unreadable as page 1", () => {
    const params = new URLSearchParams("page=3&agreementsPage=2&bad=-1");
    expect(pageParam(params)).toBe(3);
    expect(pageParam(params, "agreementsPage")).toBe(2);
    for (const raw of ["-1", "0", "2.5", "abc", "1e3", "", "99999999999"]) expect(pageParam(new URLSearchParams({ page: raw })), raw).toBe(1);
    expect(pageParam(new URLSearchParams())).toBe(1);
  });
});
