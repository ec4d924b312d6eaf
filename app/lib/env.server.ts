import path from "node:path";
import { z } from "zod";

/**
 * How long after answering a write a worker works out again the figures it moved
 * (app/models/figure-refresh.server.ts): milliseconds, or "off"; 250 when unset.
 */
const FIGURE_REFRESH_MS_ERROR = 'SHAREBOARD_FIGURE_REFRESH_MS must be a number of milliseconds from 0 to 60000, or "off".';
export const FigureRefreshMsSchema = z.union(
  [z.literal("off"), z.coerce.number({ error: FIGURE_REFRESH_MS_ERROR }).int({ error: FIGURE_REFRESH_MS_ERROR }).min(0, { error: FIGURE_REFRESH_MS_ERROR }).max(60_000, { error: FIGURE_REFRESH_MS_ERROR })],
  { error: FIGURE_REFRESH_MS_ERROR },
);

/**
 * A whole-number setting from `min` (to `max`), its default when unset or empty. Used for the
 * number of workers and the memory settings, which a wrong value must not quietly replace.
 */
function wholeNumberSetting(name: string, unit: string, { min, max, fallback }: { min: number; max?: number; fallback?: number }) {
  const range = max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
  const message = `${name} must be a whole number of ${unit}, ${range}${fallback === undefined ? "" : ` (default ${fallback})`}; unset it for the default.`;
  let number = z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message });
  if (max !== undefined) number = number.max(max, { error: message });
  const empty = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
  return fallback === undefined ? z.preprocess(empty, number.optional()) : z.preprocess(empty, number.default(fallback));
}

/**
 * How many workers the server runs and what each may keep in memory (README, quick start's
 * settings table and "Scale"). The defaults are the ones measured at national scale on 2 cores.
 */
const MemorySettingsShape = {
  WEB_CONCURRENCY: wholeNumberSetting("WEB_CONCURRENCY", "worker processes", { min: 1, max: 64 }),
  SHAREBOARD_WORKER_HEAP_MIB: wholeNumberSetting("SHAREBOARD_WORKER_HEAP_MIB", "MiB", { min: 96, fallback: 256 }),
  SHAREBOARD_SEMI_SPACE_MIB: wholeNumberSetting("SHAREBOARD_SEMI_SPACE_MIB", "MiB", { min: 1, max: 64, fallback: 4 }),
  SHAREBOARD_SQLITE_CACHE_KIB: wholeNumberSetting("SHAREBOARD_SQLITE_CACHE_KIB", "KiB", { min: 1024, fallback: 4096 }),
  SHAREBOARD_CACHE_MAX_BYTES: wholeNumberSetting("SHAREBOARD_CACHE_MAX_BYTES", "bytes", { min: 1, fallback: 40 * 1024 * 1024 }),
  SHAREBOARD_SHARED_CACHE_MAX_BYTES: wholeNumberSetting("SHAREBOARD_SHARED_CACHE_MAX_BYTES", "bytes", { min: 1, fallback: 64 * 1024 * 1024 }),
  SHAREBOARD_PAGE_CACHE_MAX_BYTES: wholeNumberSetting("SHAREBOARD_PAGE_CACHE_MAX_BYTES", "bytes", { min: 1, fallback: 16 * 1024 * 1024 }),
  SHAREBOARD_CHART_CACHE_MAX_BYTES: wholeNumberSetting("SHAREBOARD_CHART_CACHE_MAX_BYTES", "bytes", { min: 1, fallback: 8 * 1024 * 1024 }),
};
const MemorySettingsSchema = z.object(MemorySettingsShape);
export type MemorySettings = z.infer<typeof MemorySettingsSchema>;

/** The workers and memory settings, checked (the cluster's primary reads them before forking). */
export function memorySettings(source: Record<string, string | undefined> = process.env): MemorySettings {
  const parsed = MemorySettingsSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`ShareBoard cannot start, the environment is not valid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

type ByteBudget = "SHAREBOARD_CACHE_MAX_BYTES" | "SHAREBOARD_SHARED_CACHE_MAX_BYTES" | "SHAREBOARD_PAGE_CACHE_MAX_BYTES" | "SHAREBOARD_CHART_CACHE_MAX_BYTES";
const budgets = new Map<string, number>();

/**
 * A cache's budget in bytes, read on the caches' hot paths: parsed once per value of the
 * variable (tests change them at run time). The server checked them all at start-up (env()); a
 * script that did not and finds a wrong value stops with the same message.
 */
export function byteBudget(name: ByteBudget): number {
  const raw = process.env[name];
  const key = `${name}=${raw ?? ""}`;
  let value = budgets.get(key);
  if (value === undefined) {
    const parsed = MemorySettingsShape[name].safeParse(raw);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? `${name} is not valid.`);
    value = parsed.data as number;
    budgets.set(key, value);
  }
  return value;
}

const EnvSchema = z.object({
  ...MemorySettingsShape,
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_PATH: z.string().min(1).default("db/data/shareboard.sqlite"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SESSION_SECRET: z
    .string({ error: "SESSION_SECRET is not set: set it to a random string of at least 32 characters." })
    .min(32, { error: "SESSION_SECRET is too short: set it to a random string of at least 32 characters (e.g. `openssl rand -hex 32`)." }),
  SHAREBOARD_FIGURE_REFRESH_MS: FigureRefreshMsSchema.optional(),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** Reads and validates the environment once; a bad value stops start-up with a message saying what to set. */
export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`ShareBoard cannot start, the environment is not valid:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

export function parseEnv(source: Record<string, string | undefined>) {
  return EnvSchema.safeParse(source);
}

const ReliabilitySchema = z.object({
  DATABASE_PATH: z.string().min(1).default("db/data/shareboard.sqlite"),
  AUDIT_KEY_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINTS_FILE: z.string().min(1).optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce
    .number({ error: "BACKUP_KEEP must be a whole number of backups to keep, e.g. 14." })
    .int({ error: "BACKUP_KEEP must be a whole number of backups to keep, e.g. 14." })
    .min(1, { error: "BACKUP_KEEP must be at least 1." })
    .default(14),
});

export type ReliabilitySettings = {
  databasePath: string;
  /** HMAC key that signs audit checkpoints; kept outside the database, like the session secret. */
  auditKeyFile: string;
  /** Append-only file of signed checkpoints (row count and head hash) anchoring the audit chain. */
  auditCheckpointsFile: string;
  backupDir: string | null;
  backupKeep: number;
};

/**
 * The audit-anchoring and backup settings, read the same way by the server, `npm run audit:verify`,
 * `npm run backup` and `npm run restore` (they need no SESSION_SECRET). Read on every call: tests
 * and the restore command switch DATABASE_PATH at run time.
 */
export function reliabilitySettings(source: Record<string, string | undefined> = process.env): ReliabilitySettings {
  const parsed = ReliabilitySchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`The backup and audit settings are not valid:\n${lines.join("\n")}`);
  }
  const s = parsed.data;
  const dbPath = path.resolve(s.DATABASE_PATH);
  return {
    databasePath: dbPath,
    auditKeyFile: path.resolve(s.AUDIT_KEY_FILE ?? path.join(path.dirname(dbPath), "audit-key")),
    auditCheckpointsFile: path.resolve(s.AUDIT_CHECKPOINTS_FILE ?? `${dbPath}.checkpoints`),
    backupDir: s.BACKUP_DIR ? path.resolve(s.BACKUP_DIR) : null,
    backupKeep: s.BACKUP_KEEP,
  };
}
