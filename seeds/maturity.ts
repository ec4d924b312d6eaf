// Maturity frameworks (data, not code) and two rounds of assessments, so trends show.
// Scores are illustrative: DMA figures sit around the 2015/16 national averages (Readiness 73,
// Capabilities 40, Enabling infrastructure 68); the hospice, which has roll-out planned, and one
// practice are deliberately low, below half of each scale.

import type { DbOrTx } from "../app/lib/db.server";
import { createMaturityAssessment, createMaturityFramework, meanScore } from "./factories";
import type { PartnerKey, SeededOrganisations } from "./organisations";
import { rngFor } from "./prng";
import type { SeededUsers } from "./users";

type Band = "low" | "mid" | "high";
type DimensionSpec = { code: string; name: string; evidence: Record<Band, string> };

const WGLL_DIMENSIONS: (DimensionSpec & { offset: number })[] = [
  {
    code: "well_led",
    name: "Well led",
    offset: 0.3,
    evidence: {
      low: "No named digital lead at board level; digital plans are not yet part of the organisation's strategy.",
      mid: "A named digital lead reports to the board; the digital strategy is agreed but not yet resourced in full.",
      high: "Board-level digital leadership with a funded strategy, reviewed against the locality plan every quarter.",
    },
  },
  {
    code: "smart_foundations",
    name: "Ensure smart foundations",
    offset: 0.2,
    evidence: {
      low: "Ageing devices and unreliable network access at several sites; no current asset register.",
      mid: "Core infrastructure is supported; some sites still rely on legacy hardware.",
      high: "Resilient, well-supported infrastructure with a refresh programme and tested continuity plans.",
    },
  },
  {
    code: "safe_practice",
    name: "Safe practice",
    offset: 0.4,
    evidence: {
      low: "Data security training below 95%; the security action plan is overdue.",
      mid: "Data security training above 95%; cyber essentials plan in progress.",
      high: "Data security standards exceeded; incidents reviewed at board with lessons shared across the partnership.",
    },
  },
  {
    code: "support_people",
    name: "Support people",
    offset: 0,
    evidence: {
      low: "Little digital skills training; staff report difficulty using shared records.",
      mid: "Digital champions in most teams; induction covers the shared care record.",
      high: "A digital skills programme for every role, with champions and protected learning time.",
    },
  },
  {
    code: "empower_citizens",
    name: "Empower citizens",
    offset: -0.4,
    evidence: {
      low: "No online services for patients beyond appointment booking.",
      mid: "Online booking and repeat prescriptions widely used; record access offered on request.",
      high: "Patients routinely use online record access; consent choices explained in several formats.",
    },
  },
  {
    code: "improve_care",
    name: "Improve care",
    offset: 0.1,
    evidence: {
      low: "Care pathways mostly paper-based; shared records not yet used in clinical decisions.",
      mid: "Shared records used in some pathways; benefits are being measured.",
      high: "Shared records embedded in pathways across teams, with measured benefits to patients.",
    },
  },
  {
    code: "healthy_populations",
    name: "Healthy populations",
    offset: -0.5,
    evidence: {
      low: "No population health data in use.",
      mid: "Practice-level population data used for recalls and case finding.",
      high: "Linked data used with partners to target prevention at the neighbourhood level.",
    },
  },
];

const DMA_DIMENSIONS: (DimensionSpec & { nationalAverage: number })[] = [
  {
    code: "readiness",
    name: "Readiness",
    nationalAverage: 73,
    evidence: {
      low: "Strategy, leadership and resourcing for digital care are at an early stage.",
      mid: "Strategy and leadership in place; governance and resourcing still developing.",
      high: "Strong leadership, strategy, governance and information governance for digital care.",
    },
  },
  {
    code: "capabilities",
    name: "Capabilities",
    nationalAverage: 40,
    evidence: {
      low: "Few digital capabilities in use: records sharing and decision support are largely absent.",
      mid: "Records, assessments and plans partly digital; sharing through MIG in some services.",
      high: "Digital records, orders, medicines and transfers of care in routine use across services.",
    },
  },
  {
    code: "infrastructure",
    name: "Enabling infrastructure",
    nationalAverage: 68,
    evidence: {
      low: "Limited mobile working and wireless access; no secure remote access for staff.",
      mid: "Secure network and wireless access at most sites; mobile devices being rolled out.",
      high: "Secure, resilient infrastructure with mobile working across all sites.",
    },
  },
];

const ROUNDS = ["2015-11-16", "2016-06-13"] as const;
/** How much better the second round is than the first (in levels / points). */
const WGLL_GAIN = 0.3;
const DMA_GAIN = 4;

type Profile = { wgll: number; dma: number; low?: boolean; assessor: string };

const PARTNER_PROFILES: Partial<Record<PartnerKey, Profile>> = {
  acute: { wgll: 3.6, dma: 6, assessor: "Chief Clinical Information Officer" },
  community: { wgll: 3.4, dma: 3, assessor: "Director of Informatics" },
  mentalHealth: { wgll: 3.2, dma: 0, assessor: "Head of IM&T" },
  council: { wgll: 3.1, dma: -5, assessor: "Assistant Director, Digital" },
  // Low maturity, with a late mig_view deployment and an in-progress two-way flow.
  hospice: { wgll: 1.6, dma: -32, low: true, assessor: "Governance and quality lead" },
};

const LOW_PRACTICE_INDEX = 44; // P92045
const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));

function band(score: number, min: number, max: number): Band {
  const share = (score - min) / (max - min);
  return share < 0.4 ? "low" : share < 0.7 ? "mid" : "high";
}

export function seedMaturity(tx: DbOrTx, orgs: SeededOrganisations, users: SeededUsers) {
  const programme = users.id("programme@example.org");
  const wgll = createMaturityFramework(tx, {
    code: "wgll",
    name: "What Good Looks Like",
    description: "NHS What Good Looks Like: 7 success measures, each scored 1–5 in whole levels (all elements of a level must be met).",
    scaleMin: 1,
    scaleMax: 5,
    wholeNumbers: true,
    createdAt: "2015-10-01T12:00:00.000Z",
    dimensions: WGLL_DIMENSIONS.map(({ code, name }) => ({ code, name })),
  });
  const dma = createMaturityFramework(tx, {
    code: "dma2016",
    name: "Digital Maturity Assessment 2016",
    description: "The 2015/16 Digital Maturity Assessment: 3 themes, each scored 0–100.",
    scaleMin: 0,
    scaleMax: 100,
    wholeNumbers: true,
    createdAt: "2015-10-01T12:00:00.000Z",
    dimensions: DMA_DIMENSIONS.map(({ code, name }) => ({ code, name })),
  });

  const assessed: { organisationId: number; profile: Profile }[] = [];
  for (const [key, profile] of Object.entries(PARTNER_PROFILES) as [PartnerKey, Profile][]) {
    assessed.push({ organisationId: orgs.partners[key].id, profile });
  }
  const rng = rngFor("practice-maturity-profiles");
  for (let i = 0; i < orgs.practices.length; i += 4) {
    const low = i === LOW_PRACTICE_INDEX;
    const profile: Profile = low
      ? { wgll: 2.0, dma: -22, low, assessor: "Practice self-assessment, reviewed by CCG IM&T" }
      : { wgll: rng.between(2.9, 3.6), dma: rng.between(-6, 6), assessor: "Practice self-assessment, reviewed by CCG IM&T" };
    assessed.push({ organisationId: orgs.practices[i]!.id, profile });
  }

  for (const { organisationId, profile } of assessed) {
    ROUNDS.forEach((assessedOn, round) => {
      const r = rngFor(`maturity-${organisationId}-${round}`);

      let wgllScores = WGLL_DIMENSIONS.map((d) => clamp(Math.round(profile.wgll + round * WGLL_GAIN + d.offset + r.between(-0.5, 0.5)), 1, 5));
      // Keep everyone but the deliberately low organisations at or above half the scale (3 of 1–5),
      // so the low-maturity exception shows only the intended cases.
      while (!profile.low && meanScore(wgllScores.map((score) => ({ score }))) < 3) {
        const lowest = wgllScores.indexOf(Math.min(...wgllScores));
        wgllScores = wgllScores.map((s, i) => (i === lowest ? s + 1 : s));
      }
      createMaturityAssessment(tx, {
        organisationId,
        frameworkId: wgll.id,
        assessedOn,
        assessor: profile.assessor,
        createdBy: programme,
        createdAt: `${assessedOn}T12:00:00.000Z`,
        scores: WGLL_DIMENSIONS.map((d, i) => ({ dimensionId: wgll.dimensions[i]!.id, score: wgllScores[i]!, evidence: d.evidence[band(wgllScores[i]!, 1, 5)] })),
      });

      const dmaScores = DMA_DIMENSIONS.map((d) => clamp(Math.round(d.nationalAverage + profile.dma + round * DMA_GAIN + r.between(-6, 6)), 0, 100));
      createMaturityAssessment(tx, {
        organisationId,
        frameworkId: dma.id,
        assessedOn,
        assessor: profile.assessor,
        createdBy: programme,
        createdAt: `${assessedOn}T12:00:00.000Z`,
        scores: DMA_DIMENSIONS.map((d, i) => ({ dimensionId: dma.dimensions[i]!.id, score: dmaScores[i]!, evidence: d.evidence[band(dmaScores[i]!, 0, 100)] })),
      });
    });
  }
  return { assessments: assessed.length * ROUNDS.length * 2 };
}
