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

const EnvSchema = z.object({
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
