import { describe, expect, it } from "vitest";
import { inSentence, listInWords } from "~/lib/words";
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

describe("names in a sentence", () => {
  it("joins one, two or more names as a person would write them", () => {
    expect(listInWords([])).toBe("");
    expect(listInWords(["Wigan Council"])).toBe("Wigan Council");
    expect(listInWords(["A", "B"])).toBe("A and B");
    expect(listInWords(["A", "B", "C"])).toBe("A, B and C");
  });
});
