// Test data in the published epraccur.csv layout.

/** An epraccur.csv line in the published layout: 27 columns, no header. */
export function epraccurLine(overrides: Partial<Record<number, string>> = {}) {
  const cells = [
    "P92001", "MESNES PARK SURGERY", "Y62", "QOP", "1 MESNES ROAD", "", "WIGAN", "", "", "WN1 2AB",
    "19740401", "", "A", "B", "02H", "20130401", "", "01942 123456", "", "", "", "0", "", "", "", "4", "",
  ];
  for (const [column, value] of Object.entries(overrides)) cells[Number(column) - 1] = value!;
  return cells;
}
