import { z } from "zod";
import { checkDate } from "~/lib/date-field";

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
    .superRefine(checkDate("the expiry date", { required: false }))
    .transform((v) => (v ? v : null)),
});

export const RevokeTokenSchema = z.object({
  intent: z.literal("revoke"),
  tokenId: z.coerce.number().int().positive(),
});
