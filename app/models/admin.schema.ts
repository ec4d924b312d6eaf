import { z } from "zod";

/** /admin's query: the audit log page (anything malformed falls back to the first page). */
export const AdminQuerySchema = z.object({ page: z.coerce.number().int().min(1).catch(1).default(1) });

/** Disabling or enabling a user from /admin. */
export const UserActionSchema = z.object({
  intent: z.enum(["disable", "enable"], { error: "Choose to disable or enable the user" }),
  userId: z.coerce.number({ error: "Choose a user" }).int().positive({ error: "Choose a user" }),
});
