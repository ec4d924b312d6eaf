// The read models' tables (app/models/read-models.server.ts) and the base tables each is derived
// from. A read model is written only by its model, in the same transaction as the change to its
// base tables, and a rebuild gives the same rows (tests/integration/read-models.test.ts): its state
// is a function of its sources' state. So it has no change counter of its own: a figure that reads
// it depends on its sources' counters (db/query-tables.ts), and a write to it costs no per-row
// trigger (a national opt-in import writes 88,000 practice-month rows: 35 ms of counter triggers).
export const READ_MODEL_SOURCES: Readonly<Record<string, readonly string[]>> = {
  opt_in_monthly_totals: ["opt_in_returns", "organisations"],
  opt_in_practice_months: ["opt_in_returns", "organisations"],
  deployment_status_intervals: ["deployment_status_events", "deployments"],
};
