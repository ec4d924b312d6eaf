import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_PATH: z.string().min(1).default("db/data/shareboard.sqlite"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SESSION_SECRET: z
    .string({ error: "SESSION_SECRET is not set: set it to a random string of at least 32 characters." })
    .min(32, { error: "SESSION_SECRET is too short: set it to a random string of at least 32 characters (e.g. `openssl rand -hex 32`)." }),
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
