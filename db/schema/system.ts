import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { nowIso } from "./helpers";
import { users } from "./auth";

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: text("updated_at").notNull().default(nowIso),
});

// Append-only and hash-chained; triggers in a migration refuse UPDATE and DELETE.
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actorUserId: integer("actor_user_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: text("before"),
    after: text("after"),
    ip: text("ip"),
    requestId: text("request_id"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
    index("audit_log_actor_idx").on(t.actorUserId),
    index("audit_log_action_at_idx").on(t.action, t.at),
  ],
);

// Each board pack issued, so the next one can say what changed "since the previous board".
export const boardPacks = sqliteTable(
  "board_packs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    asAt: text("as_at").notNull(),
    issuedBy: integer("issued_by").references(() => users.id),
    issuedAt: text("issued_at").notNull().default(nowIso),
  },
  (t) => [index("board_packs_as_at_idx").on(t.asAt)],
);

// One change counter per table, bumped by triggers on every insert, update and delete (created for
// every table when the database is opened: app/lib/table-versions.server.ts). Computed figures
// remember the tables they read and their counters, so a change to one table recomputes only the
// figures that read it, in every worker process.
export const tableVersions = sqliteTable("table_versions", {
  name: text("name").primaryKey(),
  version: integer("version").notNull().default(0),
});
