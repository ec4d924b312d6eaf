// Table state (sort, page, page size) lives in the URL so tables work without JavaScript
// and every view can be bookmarked or shared. Isomorphic: loaders parse, components link.

export interface TableSort<Id extends string = string> {
  id: Id;
  desc: boolean;
}

export interface TableQuery<Id extends string = string> {
  sort: TableSort<Id>;
  page: number;
  pageSize: number;
}

export interface TableQueryOptions<Id extends string> {
  /** Column ids the server knows how to sort by; anything else falls back to `defaultSort`. */
  sortable: readonly Id[];
  defaultSort: TableSort<Id>;
  pageSizeDefault?: number;
  maxPageSize?: number;
}

/** Reads `sort` (`name`, or `-name` for descending), `page` and `pageSize`; never throws. */
export function parseTableQuery<const Id extends string>(
  searchParams: URLSearchParams,
  { sortable, defaultSort, pageSizeDefault = 25, maxPageSize = 200 }: TableQueryOptions<Id>,
): TableQuery<Id> {
  return {
    sort: parseSort(searchParams.get("sort"), sortable) ?? { ...defaultSort },
    page: pageParam(searchParams),
    pageSize: Math.min(positiveInteger(searchParams.get("pageSize")) ?? pageSizeDefault, maxPageSize),
  };
}

function parseSort<Id extends string>(raw: string | null, sortable: readonly Id[]): TableSort<Id> | undefined {
  if (!raw) return undefined;
  const desc = raw.startsWith("-");
  const id = desc ? raw.slice(1) : raw;
  return sortable.includes(id as Id) ? { id: id as Id, desc } : undefined;
}

/** The page a list is asked for (`page`, or another parameter for a second list on the page); anything unreadable is page 1. */
export function pageParam(searchParams: URLSearchParams, name = "page"): number {
  return positiveInteger(searchParams.get(name)) ?? 1;
}

function positiveInteger(raw: string | null): number | undefined {
  if (!raw || !/^\d{1,9}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 ? value : undefined;
}

/** The `sort` parameter for a sort state: `name` or `-name`. */
export function sortParam(sort: TableSort): string {
  return sort.desc ? `-${sort.id}` : sort.id;
}

/**
 * A relative link (`?…`) to the current page with `changes` applied; `null` removes a
 * parameter. Changing anything other than `page` (a filter, the sort, the page size,
 * the as-at date) goes back to page 1, because the old page number no longer means anything.
 */
export function hrefWith(searchParams: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(searchParams);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) next.delete(name);
    else next.set(name, value);
  }
  if (Object.keys(changes).some((name) => name !== "page")) next.delete("page");
  return `?${next.toString()}`;
}

/** Number of pages for `total` rows; at least 1, so an empty table reads "Page 1 of 1". */
export function pageCount(total: number, pageSize: number): number {
  if (!(total > 0) || !(pageSize > 0)) return 1;
  return Math.ceil(total / pageSize);
}

/** Rows to skip for a page (the SQL OFFSET). */
export function pageOffset(page: number, pageSize: number): number {
  return (Math.max(1, page) - 1) * pageSize;
}
