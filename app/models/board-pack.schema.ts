import { z } from "zod";
import { isIsoDate } from "~/lib/dates";

// Isomorphic: the board pack's one input, the as-at date it is recorded as issued for.
export const RecordBoardPackSchema = z.object({
  asAt: z
    .string({ error: "Enter the board pack's date as YYYY-MM-DD" })
    .trim()
    .refine(isIsoDate, { error: "Enter the board pack's date as YYYY-MM-DD, for example 2016-10-31" }),
});
export type RecordBoardPackInput = z.infer<typeof RecordBoardPackSchema>;
