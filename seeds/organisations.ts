// The partnership's organisations: the CCG, the provider partners and the 63 GP practices.
// Names and codes of practices and of the non-NHS partners are illustrative; the NHS codes of
// the CCG and trusts (02H, RRF, RY2, RTV) are the public ones.

import type { InferInsertModel, InferSelectModel } from "drizzle-orm";
import { organisations } from "../db/schema";
import type { DbOrTx } from "../app/lib/db.server";
import { insertManyReturning } from "./factories";
import { rngFor } from "./prng";
import { combineFactRows, initialOrganisationFactRows, insertOrganisationFacts } from "../app/models/organisation-history.server";

type NewOrganisation = InferInsertModel<typeof organisations>;
export type Organisation = InferSelectModel<typeof organisations>;

export const CCG_CODE = "02H";
export const DSPT_YEAR = "2016/17";

/** Keys the rest of the seed uses to find the partner organisations. */
export type PartnerKey = "ccg" | "acute" | "community" | "mentalHealth" | "council" | "hospice" | "federation" | "pharmacy";

const PARTNERS: (NewOrganisation & { key: PartnerKey })[] = [
  { key: "ccg", odsCode: CCG_CODE, name: "NHS Wigan Borough CCG", type: "ccg", locality: "Wigan", postcode: "WN1 1NJ", signedUpOn: "2014-04-01", dsptStatus: "standards_met" },
  { key: "acute", odsCode: "RRF", name: "Wrightington, Wigan and Leigh NHS Foundation Trust", type: "acute_trust", locality: "Wigan", postcode: "WN1 2NN", signedUpOn: "2014-05-19", dsptStatus: "standards_met" },
  { key: "community", odsCode: "RY2", name: "Bridgewater Community Healthcare NHS Foundation Trust", type: "community_provider", locality: "Leigh", postcode: "WN7 1HS", signedUpOn: "2014-05-19", dsptStatus: "standards_exceeded" },
  { key: "mentalHealth", odsCode: "RTV", name: "North West Boroughs Healthcare NHS Foundation Trust", type: "mental_health_trust", locality: "Wigan", postcode: "WN1 2PE", signedUpOn: "2014-06-16", dsptStatus: "standards_met" },
  // Local authorities have no ODS code of this shape: WGNLA is an illustrative identifier.
  { key: "council", odsCode: "WGNLA", name: "Wigan Council", type: "local_authority", locality: "Wigan", postcode: "WN1 1YN", signedUpOn: "2014-09-01", dsptStatus: "approaching_standards" },
  { key: "hospice", odsCode: "WLHSP", name: "Wigan and Leigh Hospice", type: "hospice", locality: "Hindley", postcode: "WN2 3HZ", signedUpOn: "2015-07-06", dsptStatus: "approaching_standards" },
  // Private organisations working under the NHS badge: the case the CCG's indemnity exists for.
  { key: "federation", odsCode: "NWB01", name: "Wigan Borough Extended Access Ltd", type: "private_provider", nhsBadgedPrivate: true, locality: "Wigan", postcode: "WN1 3DA", signedUpOn: "2015-03-02", dsptStatus: "standards_met" },
  { key: "pharmacy", odsCode: "FWG21", name: "Makerfield Community Pharmacy Ltd", type: "private_provider", nhsBadgedPrivate: true, locality: "Ashton-in-Makerfield", postcode: "WN4 9AB", signedUpOn: "2015-03-16", dsptStatus: "standards_met" },
];

// 63 illustrative practices by town (the first is P92001, the next P92002, and so on).
const PRACTICES_BY_LOCALITY: Record<string, { outward: string; names: string[] }> = {
  Wigan: {
    outward: "WN1",
    names: [
      "Mesnes Park Surgery",
      "Frog Lane Medical Centre",
      "Wallgate Family Practice",
      "Beech Hill Surgery",
      "Marsh Green Health Centre",
      "Springfield Medical Practice",
      "Whelley Surgery",
      "Pemberton Road Practice",
      "Swinley Surgery",
      "Poolstock Health Centre",
      "Worsley Mesnes Family Practice",
      "Gidlow Lane Surgery",
    ],
  },
  Leigh: {
    outward: "WN7",
    names: [
      "Bradshawgate Surgery",
      "Pennington Medical Centre",
      "Westleigh Family Practice",
      "Bedford Surgery",
      "Lilford Park Practice",
      "Twist Lane Health Centre",
      "Firs Lane Surgery",
      "Butts Bridge Practice",
      "Church Street Surgery",
    ],
  },
  "Ashton-in-Makerfield": {
    outward: "WN4",
    names: ["Bryn Road Surgery", "Garswood Family Practice", "Stubshaw Cross Medical Centre", "Gerard Street Practice", "Downall Green Surgery", "Heath Road Health Centre"],
  },
  Hindley: { outward: "WN2", names: ["Hindley Green Practice", "Castle Hill Surgery", "Borsdane Medical Centre", "Platt Bridge Surgery", "Leyland Park Practice"] },
  Atherton: { outward: "M46", names: ["Hindsford Surgery", "Howe Bridge Medical Centre", "Market Street Practice", "Chanters Family Practice", "Lovers Lane Surgery"] },
  Tyldesley: { outward: "M29", names: ["Astley Medical Centre", "Shakerley Surgery", "Elliott Street Practice", "Mosley Common Surgery", "Gin Pit Family Practice"] },
  Standish: { outward: "WN6", names: ["Standish Cross Surgery", "Shevington Surgery", "Appley Bridge Practice", "Almond Brook Medical Centre", "Boars Head Family Practice"] },
  Golborne: { outward: "WA3", names: ["Golborne Health Centre", "Lowton Surgery", "Lane Head Practice", "Edge Green Medical Centre", "Lowton St Mary's Practice"] },
  Orrell: { outward: "WN5", names: ["Orrell Post Surgery", "Lamberhead Green Practice", "Billinge Road Surgery", "Kitt Green Medical Centre", "Winstanley Family Practice"] },
  Ince: {
    outward: "WN3",
    names: ["Ince Green Lane Surgery", "Higher Ince Practice", "Rose Bridge Medical Centre", "Spring View Surgery", "Lower Ince Family Practice", "Amberswood Health Centre"],
  },
};

export const LOCALITIES = Object.keys(PRACTICES_BY_LOCALITY);

export const PRACTICE_COUNT = 63;
export const TOTAL_REGISTERED = 323_000;
const MIN_LIST = 2_500;
const MAX_LIST = 14_000;

export function practiceCode(n: number) {
  return `P${92000 + n}`;
}

/** List sizes between 2,500 and 14,000 summing to exactly 323,000 (the borough's population). */
function listSizes(count: number) {
  const rng = rngFor("practice-list-sizes");
  // Mostly mid-sized practices (a rough bell curve from 2,700 to 7,100) and about one in ten large.
  const raw = Array.from({ length: count }, () =>
    rng.chance(0.1) ? rng.between(8_000, 13_500) : 2_700 + ((rng.next() + rng.next() + rng.next()) / 3) * 4_400,
  );
  const scale = TOTAL_REGISTERED / raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.min(MAX_LIST, Math.max(MIN_LIST, Math.round(r * scale))));
  // Put the rounding remainder on the practices with room for it, a patient at a time.
  let remainder = TOTAL_REGISTERED - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder !== 0; i = (i + 1) % count) {
    const step = Math.sign(remainder) * Math.min(Math.abs(remainder), 50);
    const next = sizes[i]! + step;
    if (next >= MIN_LIST && next <= MAX_LIST) {
      sizes[i] = next;
      remainder -= step;
    }
  }
  return sizes;
}

/** Sign-up dates from June 2014 to mid-December 2015: every practice signed up before 2016. */
function signUpDate(index: number, count: number) {
  const rng = rngFor(`practice-signup-${index}`);
  // Spread evenly over 560 days in code order with a little jitter, so early codes joined first.
  const start = Date.UTC(2014, 5, 2);
  const day = Math.round((index / (count - 1)) * 555) + rng.int(0, 5);
  return new Date(start + day * 86_400_000).toISOString().slice(0, 10);
}

function practiceRows(): NewOrganisation[] {
  const sizes = listSizes(PRACTICE_COUNT);
  const rng = rngFor("practice-details");
  const rows: NewOrganisation[] = [];
  for (const [locality, { outward, names }] of Object.entries(PRACTICES_BY_LOCALITY)) {
    for (const name of names) {
      const i = rows.length;
      rows.push({
        odsCode: practiceCode(i + 1),
        name,
        type: "gp_practice",
        locality,
        listSize: sizes[i]!,
        signedUpOn: signUpDate(i, PRACTICE_COUNT),
        dsptStatus: rng.weighted([
          ["standards_met", 60],
          ["standards_exceeded", 14],
          ["approaching_standards", 18],
          ["not_met", 5],
          ["not_published", 3],
        ] as const),
        dsptYear: DSPT_YEAR,
        postcode: `${outward} ${rng.int(1, 9)}${rng.pick(["A", "B", "D", "E", "F", "G", "H", "J", "L", "N", "P", "Q", "R", "S", "T", "U", "W"])}${rng.pick(["A", "B", "D", "E", "H", "L", "N", "P", "R", "S", "T", "U", "W", "X", "Y", "Z"])}`,
        commissionerCode: CCG_CODE,
        openedOn: `19${rng.int(48, 95)}-04-01`,
      });
    }
  }
  if (rows.length !== PRACTICE_COUNT) throw new Error(`Expected ${PRACTICE_COUNT} practices, built ${rows.length}`);
  return rows;
}

export type SeededOrganisations = {
  partners: Record<PartnerKey, Organisation>;
  practices: Organisation[];
  byCode: Map<string, Organisation>;
  all: Organisation[];
};

export function seedOrganisations(tx: DbOrTx): SeededOrganisations {
  const partnerRows = PARTNERS.map(({ key: _key, ...row }) => ({ dsptYear: DSPT_YEAR, ...row }));
  const all = insertManyReturning(tx, organisations, [...partnerRows, ...practiceRows()]);
  // Each organisation's dated facts: a member from its sign-up date, active from its open date, its name and flag from then.
  const facts = all.map((org) => initialOrganisationFactRows(org, { source: "seed" }));
  insertOrganisationFacts(tx, combineFactRows(facts));
  const byCode = new Map(all.map((o) => [o.odsCode, o]));
  const partners = Object.fromEntries(PARTNERS.map((p) => [p.key, byCode.get(p.odsCode)!])) as Record<PartnerKey, Organisation>;
  const practices = all.filter((o) => o.type === "gp_practice");
  return { partners, practices, byCode, all };
}
