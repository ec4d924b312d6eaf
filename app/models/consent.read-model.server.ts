import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "~/lib/db.server";

// The consent read models, kept in the same transaction as every write that moves them, so no
// page sums raw returns (issue 11: the month-range scan behind the trend took 280 ms nationally):
//
// - opt_in_monthly_totals: returns summed by month, locality ('' when none) and organisation type.
//   A change to returns recomputes the months it touches; a practice that moves locality or type
//   recomputes the two groups it leaves and joins.
// - opt_in_practice_months: each return with its rate, its changes on 3 and 12 months and its
//   "falling" flag. A return for month M is also the "1, 2, 3 or 12 months before" of the returns
//   for M+1, M+2, M+3 and M+12, so those are recomputed with it.
//
// Both are rebuilt from opt_in_returns by the same SQL (`rebuildConsentReadModels`), and
// tests/integration/read-models.test.ts checks that maintenance and a rebuild agree.
// Raw SQL on purpose: set-based INSERT … SELECT over a key table is what keeps a 75,600-row
// import's upkeep to tens of milliseconds.

/** YYYY-MM `months` after (negative: before) a YYYY-MM column, as text. */
function shiftMonth(column: SQL, months: number) {
  const n = sql`(cast(substr(${column}, 1, 4) as integer) * 12 + cast(substr(${column}, 6, 2) as integer) - 1 + ${sql.raw(String(months))})`;
  return sql`printf('%04d-%02d', ${n} / 12, ${n} % 12 + 1)`;
}

function rate(alias: string) {
  return sql.raw(`case when ${alias}.registered > 0 then ${alias}.opted_in * 100.0 / ${alias}.registered end`);
}

/**
 * Fills temp.opt_in_month_backs: every month from the first return's to the last's with the months
 * 1, 2, 3 and 12 before it, so the practice-month statement joins on them rather than working out
 * four shifted months per row (a fifth of its time on the national import).
 */
function fillMonthBacks(db: DbOrTx) {
  db.run(sql`create temp table if not exists opt_in_month_backs (month text primary key, m1 text not null, m2 text not null, m3 text not null, m12 text not null) without rowid`);
  // One min() or max() per SELECT: SQLite seeks an index for either alone, but scanned all 375,000
  // returns' months for the two together (22 ms on the national import).
  const span = db.get<{ first: string | null; last: string | null }>(sql`select (select min(month) from opt_in_returns) as first, (select max(month) from opt_in_returns) as last`);
  const kept = db.get<{ first: string | null; last: string | null }>(sql`select (select min(month) from temp.opt_in_month_backs) as first, (select max(month) from temp.opt_in_month_backs) as last`);
  if (span?.first === kept?.first && span?.last === kept?.last) return; // already filled for these months (one return at a time, as seeds write)
  db.run(sql`delete from temp.opt_in_month_backs`);
  if (!span?.first || !span.last) return;
  const n = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
  const name = (column: SQL, minus: number) => sql`printf('%04d-%02d', (${column} - ${sql.raw(String(minus))}) / 12, (${column} - ${sql.raw(String(minus))}) % 12 + 1)`;
  db.run(sql`insert into temp.opt_in_month_backs (month, m1, m2, m3, m12)
    with recursive span(n) as (select ${n(span.first)} union all select n + 1 from span where n < ${n(span.last)})
    select ${name(sql`n`, 0)}, ${name(sql`n`, 1)}, ${name(sql`n`, 2)}, ${name(sql`n`, 3)}, ${name(sql`n`, 12)} from span`);
}

/** The INSERT … SELECT that fills opt_in_practice_months for the returns `from` picks (alias r); call fillMonthBacks first. */
function insertPracticeMonths(from: SQL) {
  const back = (k: number, alias: string) =>
    sql`left join opt_in_returns ${sql.raw(alias)} on ${sql.raw(alias)}.organisation_id = r.organisation_id and ${sql.raw(alias)}.month = mb.m${sql.raw(String(k))}`;
  return sql`insert into opt_in_practice_months (organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, rate, change_3, change_12, falling)
    select organisation_id, month, registered, opted_in, declined, not_asked, national_opt_outs, rate, rate - rate_3, rate - rate_12,
      coalesce(rate < rate_1 and rate_1 < rate_2 and rate_2 < rate_3, 0)
    from (
      select r.organisation_id, r.month, r.registered, r.opted_in, r.declined, r.not_asked, r.national_opt_outs,
        ${rate("r")} as rate, ${rate("b1")} as rate_1, ${rate("b2")} as rate_2, ${rate("b3")} as rate_3, ${rate("b12")} as rate_12
      from ${from} left join temp.opt_in_month_backs mb on mb.month = r.month ${back(1, "b1")} ${back(2, "b2")} ${back(3, "b3")} ${back(12, "b12")}
    )`;
}

/** The INSERT … SELECT that fills opt_in_monthly_totals for the returns and organisations `where` picks (aliases r, o). */
function insertMonthlyTotals(where: SQL) {
  return sql`insert into opt_in_monthly_totals (month, locality, organisation_type, registered, opted_in, declined, not_asked, practices, national_opt_outs, national_practices)
    select r.month, coalesce(o.locality, ''), o.type, sum(r.registered), sum(r.opted_in), sum(r.declined), sum(r.not_asked), count(*),
      coalesce(sum(r.national_opt_outs), 0), count(r.national_opt_outs)
    from opt_in_returns r join organisations o on o.id = r.organisation_id
    where ${where}
    group by r.month, coalesce(o.locality, ''), o.type`;
}

/** Rebuilds both consent read models from opt_in_returns and organisations. */
export function rebuildConsentReadModels(db: DbOrTx) {
  db.run(sql`delete from opt_in_monthly_totals`);
  db.run(insertMonthlyTotals(sql`1 = 1`));
  db.run(sql`delete from opt_in_practice_months`);
  fillMonthBacks(db);
  db.run(insertPracticeMonths(sql`opt_in_returns r`));
}

export type ReturnKey = { organisationId: number; month: string };

const KEY_CHUNK = 400;
/** Above this many changed returns, recompute per practice rather than per return. */
const BULK_CHANGE = 2_000;

/** The statement that writes opt_in_practice_months rows over the ones already there. */
function upsertPracticeMonths(from: SQL) {
  return sql`${insertPracticeMonths(from)} where true
    on conflict (organisation_id, month) do update set registered = excluded.registered, opted_in = excluded.opted_in, declined = excluded.declined,
      not_asked = excluded.not_asked, national_opt_outs = excluded.national_opt_outs, rate = excluded.rate, change_3 = excluded.change_3,
      change_12 = excluded.change_12, falling = excluded.falling`;
}

/**
 * Brings the read models up to date after returns were added or changed, never removed (call
 * inside the same transaction, after the write). `changed` lists the returns' keys, or is a query
 * selecting (organisation_id, month), so a bulk import hands over its staging table rather than
 * 75,600 keys through JavaScript. Cost follows the size of the change, not of the history.
 * `totalsDeltas`, when the caller knows each changed return's figures before and after, selects
 * per changed return (organisation_id, month) the change in registered, opted_in, declined,
 * not_asked, practices (1 for a new return), national_opt_outs and national_practices: the monthly
 * totals are then moved by those amounts rather than summed again from every return of the month.
 */
export function optInReturnsChanged(db: DbOrTx, changed: readonly ReturnKey[] | SQL, { totalsDeltas }: { totalsDeltas?: SQL } = {}) {
  if (Array.isArray(changed) && !changed.length) return;
  db.run(sql`create temp table if not exists opt_in_changed (organisation_id integer not null, month text not null, primary key (organisation_id, month)) without rowid`);
  db.run(sql`create temp table if not exists opt_in_affected (organisation_id integer not null, month text not null, primary key (organisation_id, month)) without rowid`);
  db.run(sql`delete from temp.opt_in_changed`);
  db.run(sql`delete from temp.opt_in_affected`);
  /** The changed keys in temp.opt_in_changed (a query's once, however many steps read them). */
  let listed = false;
  const listChanged = () => {
    if (listed) return;
    listed = true;
    if (Array.isArray(changed)) {
      const keys = changed as readonly ReturnKey[];
      for (let i = 0; i < keys.length; i += KEY_CHUNK) {
        const values = sql.join(
          keys.slice(i, i + KEY_CHUNK).map((k) => sql`(${k.organisationId}, ${k.month})`),
          sql`, `,
        );
        db.run(sql`insert or ignore into temp.opt_in_changed (organisation_id, month) values ${values}`);
      }
    } else {
      db.run(sql`insert or ignore into temp.opt_in_changed (organisation_id, month) ${changed}`);
    }
  };
  const count = Array.isArray(changed) ? changed.length : db.get<{ n: number }>(sql`select count(*) as n from (${changed})`)!.n;
  if (!count) return;
  fillMonthBacks(db);
  if (count <= BULK_CHANGE) {
    listChanged();
    // The changed returns and every later return that looks back at them.
    for (const k of [0, 1, 2, 3, 12]) {
      db.run(sql`insert or ignore into temp.opt_in_affected (organisation_id, month) select organisation_id, ${shiftMonth(sql`month`, k)} from temp.opt_in_changed`);
    }
    // By key (a seek on the primary key for each affected row): as a correlated EXISTS, SQLite
    // scanned all 375,000 practice months for a one-return correction (42 ms at national scale).
    db.run(sql`delete from opt_in_practice_months where (organisation_id, month) in (select organisation_id, month from temp.opt_in_affected)`);
    db.run(insertPracticeMonths(sql`temp.opt_in_affected a cross join opt_in_returns r on r.organisation_id = a.organisation_id and r.month = a.month`));
  } else {
    // A whole file: every return of the practices it touches from its first month on (cheaper
    // than listing five keys per row), written over the rows already there: returns are only
    // added or changed here, so every row kept still has its return, and an update in place
    // costs half a delete and an insert (measured on the national import). The practices are
    // read from the changed keys as given (a staging table's, for an import: listing them first
    // cost 11 ms nationally).
    const keys = Array.isArray(changed) ? (listChanged(), sql`select organisation_id, month from temp.opt_in_changed`) : changed;
    db.run(sql`create temp table if not exists opt_in_changed_practices (organisation_id integer primary key, first_month text not null)`);
    db.run(sql`delete from temp.opt_in_changed_practices`);
    db.run(sql`insert into temp.opt_in_changed_practices select organisation_id, min(month) from (${keys}) group by organisation_id`);
    db.run(upsertPracticeMonths(sql`temp.opt_in_changed_practices c cross join opt_in_returns r on r.organisation_id = c.organisation_id and r.month >= c.first_month`));
  }

  if (totalsDeltas) {
    // Sums of whole numbers, so moving a total by the change gives exactly what summing again would.
    db.run(sql`insert into opt_in_monthly_totals (month, locality, organisation_type, registered, opted_in, declined, not_asked, practices, national_opt_outs, national_practices)
      select d.month, coalesce(o.locality, ''), o.type, sum(d.registered), sum(d.opted_in), sum(d.declined), sum(d.not_asked), sum(d.practices),
        sum(d.national_opt_outs), sum(d.national_practices)
      from (${totalsDeltas}) d join organisations o on o.id = d.organisation_id
      where true
      group by d.month, coalesce(o.locality, ''), o.type
      on conflict (organisation_type, month, locality) do update set registered = registered + excluded.registered, opted_in = opted_in + excluded.opted_in,
        declined = declined + excluded.declined, not_asked = not_asked + excluded.not_asked, practices = practices + excluded.practices,
        national_opt_outs = national_opt_outs + excluded.national_opt_outs, national_practices = national_practices + excluded.national_practices`);
    return;
  }
  listChanged();
  db.run(sql`create temp table if not exists opt_in_changed_months (month text primary key) without rowid`);
  db.run(sql`delete from temp.opt_in_changed_months`);
  db.run(sql`insert or ignore into temp.opt_in_changed_months select month from temp.opt_in_changed`);
  db.run(sql`delete from opt_in_monthly_totals where month in (select month from temp.opt_in_changed_months)`);
  db.run(insertMonthlyTotals(sql`r.month in (select month from temp.opt_in_changed_months)`));
}

export type PracticeGroup = { locality: string | null; type: string };

/**
 * Brings the monthly totals up to date after organisations changed locality or type (call inside
 * the same transaction, with each organisation's group before and after the change).
 */
export function organisationGroupsChanged(db: DbOrTx, groups: readonly PracticeGroup[]) {
  const distinct = [...new Map(groups.map((g) => [`${g.type}|${g.locality ?? ""}`, { type: g.type, locality: g.locality ?? "" }])).values()];
  for (const g of distinct) {
    db.run(sql`delete from opt_in_monthly_totals where organisation_type = ${g.type} and locality = ${g.locality}`);
    db.run(insertMonthlyTotals(sql`o.type = ${g.type} and coalesce(o.locality, '') = ${g.locality}`));
  }
}

/** Every row of both tables in a fixed order, for comparing maintenance with a rebuild. */
export function consentReadModelRows(db: DbOrTx) {
  return {
    opt_in_monthly_totals: db.all(sql`select * from opt_in_monthly_totals order by month, locality, organisation_type`),
    opt_in_practice_months: db.all(sql`select * from opt_in_practice_months order by organisation_id, month`),
  };
}
