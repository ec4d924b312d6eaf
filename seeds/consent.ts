// Monthly opt-in returns for every practice from April 2015 to October 2016 (19 months).
// Opt-in rises from about 20% to 56–69% of registered patients, with practice-to-practice
// variation; a few laggards stay well below the 60% target, and three practices fall for the
// last three months running (the "falling" exception). Every other practice's opted-in count
// never falls, so those three are the only falling ones.

import type { DbOrTx } from "../app/lib/db.server";
import { monthRange } from "../app/lib/dates";
import { optInReturns } from "../db/schema";
import { insertMany, optInReturnRow } from "./factories";
import { rebuildConsentReadModels } from "../app/models/consent.read-model.server";
import type { SeededOrganisations } from "./organisations";
import { rngFor } from "./prng";
import { LAST_MONTH } from "./rollout";
import type { SeededUsers } from "./users";

export const FIRST_RETURN_MONTH = "2015-04";
/** Practices (by index) whose opt-in falls over the last three months. */
export const FALLING_PRACTICE_INDEXES = [16, 33, 47]; // P92017, P92034, P92048
/** Practices well behind the rest. */
const LAGGARD_INDEXES = [8, 29, 58]; // P92009, P92030, P92059

/** Uploaded on the 5th of the following month. */
function uploadedAt(month: string, index: number) {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return `${next}-05T${String(9 + (index % 8)).padStart(2, "0")}:00:00.000Z`;
}

export function seedOptInReturns(tx: DbOrTx, orgs: SeededOrganisations, users: SeededUsers) {
  const uploader = users.id("programme@example.org");
  const months = monthRange(FIRST_RETURN_MONTH, LAST_MONTH);
  const last = months.length - 1;
  const rows = orgs.practices.flatMap((practice, index) => {
    const rng = rngFor(`opt-in-${practice.odsCode}`);
    const listSize = practice.listSize!;
    const startRate = rng.between(0.15, 0.25);
    const endRate = LAGGARD_INDEXES.includes(index) ? rng.between(0.38, 0.45) : rng.between(0.56, 0.69);
    const endDeclined = rng.between(0.03, 0.08);
    // Lists drift a little over the period, ending at the practice's current list size.
    const growth = rng.between(-0.02, 0.03);
    const falling = FALLING_PRACTICE_INDEXES.includes(index);

    let previousOptedIn = 0;
    let previousRate = 0;
    return months.map((month, i) => {
      const progress = i / last;
      const registered = Math.round(listSize * (1 - growth * (1 - progress)) + rng.int(-15, 15));
      // Fast early growth that slows as the easy-to-reach patients are asked (an eased curve).
      const eased = 1 - Math.pow(1 - progress, 1.4);
      let optedIn = Math.round(registered * (startRate + (endRate - startRate) * eased + rng.between(-0.004, 0.004)));
      if (falling && i > last - 3) {
        // List cleaning and withdrawn consent: 2–3% fewer each month (more than the list moves).
        optedIn = Math.round(previousOptedIn * (1 - rng.between(0.02, 0.03)));
      } else {
        // Neither the count nor the rate ever dips, so no other practice looks "falling".
        optedIn = Math.max(optedIn, previousOptedIn, Math.ceil(previousRate * registered));
      }
      previousOptedIn = optedIn;
      previousRate = optedIn / registered;
      const declined = Math.round(registered * endDeclined * (0.4 + 0.6 * progress));
      return optInReturnRow({ organisationId: practice.id, month, registered, optedIn, declined, nationalOptOuts: null, uploadedBy: uploader, uploadedAt: uploadedAt(month, index) });
    });
  });
  insertMany(tx, optInReturns, rows);
  rebuildConsentReadModels(tx);
  return rows.length;
}
