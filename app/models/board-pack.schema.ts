import { z } from "zod";
import { requiredIsoDate } from "~/lib/date-field";

// Isomorphic: the board pack's one input, the as-at date it is recorded as issued for.
export const RecordBoardPackSchema = z.object({
  asAt: requiredIsoDate("the board pack's date"),
});
export type RecordBoardPackInput = z.infer<typeof RecordBoardPackSchema>;
