import { describe, expect, it } from "vitest";
import { inSentence } from "~/lib/words";
import { CASE_STATE_LABELS } from "~/models/cases.schema";
import { DEPLOYMENT_STATUS_LABELS } from "~/models/rollout.schema";

describe("a label inside a sentence", () => {
  it("lowers an ordinary word and keeps an acronym", () => {
    expect(inSentence(DEPLOYMENT_STATUS_LABELS.in_progress)).toBe("in progress");
    expect(inSentence(CASE_STATE_LABELS.ig_review)).toBe("IG review");
    expect(inSentence(CASE_STATE_LABELS.board_review)).toBe("board review");
    expect(inSentence("DPIA in progress")).toBe("DPIA in progress");
  });
});
