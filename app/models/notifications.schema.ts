// Notifications: the preferences form and the outbox filter. The kinds people can be told about,
// who gets each and their labels are in notifications.labels.ts (re-exported here).

import { z } from "zod";
import { NOTIFICATION_KINDS, OUTBOX_STATUSES, type EmailChoice, type NotificationKind } from "../../db/schema/enums";
import { choicesFor, NOTIFICATION_KIND_INFO } from "./notifications.labels";

export * from "./notifications.labels";

/** The preferences form: one radio group per kind shown; kinds not posted are left as they are. */
export const PreferencesFormSchema = z
  .record(z.string(), z.unknown())
  .transform((raw, ctx) => {
    const out: Partial<Record<NotificationKind, EmailChoice>> = {};
    for (const kind of NOTIFICATION_KINDS) {
      const value = raw[kind];
      if (value === undefined) continue;
      if (typeof value !== "string" || !(choicesFor(kind) as readonly string[]).includes(value)) {
        ctx.addIssue({ code: "custom", path: [kind], message: `Choose how to hear about "${NOTIFICATION_KIND_INFO[kind].label}"` });
        continue;
      }
      out[kind] = value as EmailChoice;
    }
    return out;
  });

export const MarkReadFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.string().regex(/^\d+$/, { error: "Choose a notification" }).transform(Number) }),
  z.object({ intent: z.literal("read-all") }),
]);

export const OutboxQuerySchema = z.object({
  status: z.enum(OUTBOX_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).optional().catch(undefined),
});
