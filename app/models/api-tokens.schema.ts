import { z } from "zod";
import { isIsoDate } from "~/lib/dates";

export const CreateTokenSchema = z.object({
  intent: z.literal("create"),
  name: z
    .string()
    .trim()
    .min(1, { error: "Enter a name that says who uses the token, for example “Acute trust BI team”" })
    .max(100, { error: "Name must be 100 characters or fewer" }),
  expiresOn: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || isIsoDate(v), { error: "Enter the expiry date as YYYY-MM-DD, or leave it empty for no expiry" }),
});

export const RevokeTokenSchema = z.object({
  intent: z.literal("revoke"),
  tokenId: z.coerce.number().int().positive(),
});
