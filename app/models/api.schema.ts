import { z } from "zod";
import {
  AGREEMENT_PURPOSES,
  CASE_STATES,
  DEPLOYMENT_STATUSES,
  DPIA_STATUSES,
  DSPT_STATUSES,
  ORGANISATION_STATUSES,
  ORGANISATION_TYPES,
  RISK_LEVELS,
  ROLES,
} from "../../db/schema/enums";
import { isIsoDate } from "~/lib/dates";
import { EFFECTIVE_AGREEMENT_STATUSES, REVIEW_FILTERS } from "./agreements.schema";
import { EFFECTIVE_COVER_STATUSES, PRACTICE_COVER_STATES } from "./indemnity.schema";
import { OPT_IN_FLAGS } from "./consent.schema";
import { EXCEPTION_KINDS, SEVERITIES } from "./exceptions.schema";

// Shapes of the read API's queries and responses. The endpoints parse their query with these
// schemas and their response through them (so a response can only carry the fields named here),
// and /api/v1/openapi.json is generated from them, so the document cannot drift from the code.

// ---------------------------------------------------------------------------------------------
// Query parameters (all arrive as strings)

export const AsAtParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date as YYYY-MM-DD, for example 2016-07-31" })
  .refine(isIsoDate, { error: "must be a date as YYYY-MM-DD, for example 2016-07-31" })
  .optional()
  .describe("Compute every figure as it stood at the end of this date (YYYY-MM-DD), from 2000-01-01 to the reporting date; outside that range the answer is 400. Defaults to the reporting date.");

const positiveInt = (name: string, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be a whole number` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, { error: `${name} must be between 1 and ${max}` })
    .optional()
    .transform((n) => n ?? fallback);

export const PAGE_SIZE_MAX = 500;

export const PagingParams = {
  page: positiveInt("page", 1_000_000, 1).describe("Page number, from 1"),
  pageSize: positiveInt("pageSize", PAGE_SIZE_MAX, 100).describe(`Rows per page, 1 to ${PAGE_SIZE_MAX} (default 100)`),
};

/** One of a fixed list; the message lists what is allowed. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z.enum(values, { error: `must be one of: ${values.join(", ")}` }).optional().describe(description);

const text = (description: string, max = 100) =>
  z
    .string()
    .trim()
    .max(max, { error: `must be ${max} characters or fewer` })
    .optional()
    .transform((v) => (v ? v : undefined))
    .describe(description);

const odsCode = (description: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{3,8}$/, { error: "must be an ODS code of 3 to 8 letters and numbers, like P92001" })
    .transform((v) => v.toUpperCase())
    .optional()
    .describe(description);

const LocalityParam = text("Only organisations in this locality (exact name, as on the pages)");
const OrganisationTypeParam = oneOf(ORGANISATION_TYPES, "Only organisations of this type");

// ---------------------------------------------------------------------------------------------
// Response building blocks

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("A date, YYYY-MM-DD");
const isoMonth = z.string().regex(/^\d{4}-\d{2}$/).describe("A month, YYYY-MM");
const count = z.number().int().min(0);
const percent = z.number().describe("A percentage, 0 to 100");

const PageEnvelope = {
  asAt: isoDate.describe("The as-at date the figures were computed for"),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  total: count.describe("Rows matching the filters, on every page"),
};

/** A page of a list: the envelope, any figures for the whole list (`extra`), then the rows. */
export function pageOf<T extends z.ZodType, E extends z.ZodRawShape = {}>(item: T, extra?: E) {
  return z.object({ ...PageEnvelope, ...(extra ?? ({} as E)), data: z.array(item) });
}

const OrganisationRef = z
  .object({ odsCode: z.string(), name: z.string(), type: z.enum(ORGANISATION_TYPES), locality: z.string().nullable() })
  .describe("The organisation it concerns");

// ---------------------------------------------------------------------------------------------
// Endpoints

export type ApiEndpoint<Q extends z.ZodObject = z.ZodObject, R extends z.ZodType = z.ZodType> = {
  /** The URL path, e.g. /api/v1/organisations; its route file is app/routes/api.v1.<name>.ts. */
  path: string;
  /** Name of the response schema under components.schemas. */
  name: string;
  summary: string;
  description?: string;
  query: Q;
  response: R;
};

const endpoint = <Q extends z.ZodObject, R extends z.ZodType>(e: ApiEndpoint<Q, R>) => e;

export const SummaryEndpoint = endpoint({
  path: "/api/v1/summary",
  name: "Summary",
  summary: "The dashboard's headline figures",
  description: "The board's headline figures as at a date, for the whole partnership or one locality or organisation type.",
  query: z.object({ asAt: AsAtParam, locality: LocalityParam, organisationType: OrganisationTypeParam }),
  response: z.object({
    asAt: isoDate,
    locality: z.string().nullable().describe("The locality filter applied, if any"),
    organisationType: z.enum(ORGANISATION_TYPES).nullable().describe("The organisation type filter applied, if any"),
    practicesTotal: count.describe("GP practices in the partnership (in the filter)"),
    practicesSignedUp: count.describe("GP practices signed up by the as-at date"),
    servicesLive: count.describe("Services with the detailed care record (MIG view) live"),
    servicesLiveTarget: z
      .object({ title: z.string(), target: count, dueOn: isoDate })
      .nullable()
      .describe("The services-live milestone that applies: the next one due, or the last one passed"),
    deploymentsLate: count.describe("Deployments past their planned go-live and not live"),
    optInRate: percent.nullable().describe("Borough opt-in rate for the latest month with returns (null when none)"),
    optInMonth: isoMonth.nullable().describe("The month the opt-in rate is for"),
    optInTarget: percent,
    practicesWithActiveIndemnity: count.describe("GP practices with indemnity cover in force"),
    agreementsActive: count.describe("Data sharing agreements in force"),
    agreementReviewsDue: count.describe("Agreements in force whose review is due or overdue"),
    agreementReviewsOverdue: count.describe("Of those, overdue"),
    casesByState: z.record(z.enum(CASE_STATES), count).describe("Business cases in each state (states with none are 0)"),
    casesInPipeline: count.describe("Cases submitted and not yet decided (including deferred)"),
    medianDaysToDecision: z.number().nullable().describe("Median calendar days from submission to the board's decision"),
    averageMaturity: z
      .object({ framework: z.string(), overall: z.number().nullable(), percentOfScale: percent.nullable(), organisations: count })
      .nullable()
      .describe("Average digital maturity score of the organisations assessed"),
    exceptionsBySeverity: z.record(z.enum(SEVERITIES), count).describe("Exceptions by severity"),
  }),
});

export const OrganisationsEndpoint = endpoint({
  path: "/api/v1/organisations",
  name: "OrganisationPage",
  summary: "Partner organisations",
  description: "Every organisation with a status recorded on the as-at date (active, dormant, closed or proposed then), its membership of the partnership on that date and the deployments live then. Ordered by name.",
  query: z.object({
    asAt: AsAtParam,
    type: oneOf(ORGANISATION_TYPES, "Only organisations of this type"),
    locality: LocalityParam,
    q: text("Part of the name or the ODS code"),
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      odsCode: z.string(),
      name: z.string(),
      type: z.enum(ORGANISATION_TYPES),
      locality: z.string().nullable(),
      status: z.enum(ORGANISATION_STATUSES).describe("Status on the as-at date"),
      signedUpOn: isoDate.nullable().describe("When its membership of the partnership valid on the as-at date began; null when it was not a member then"),
      listSize: count.nullable(),
      dsptStatus: z.enum(DSPT_STATUSES).nullable(),
      dsptYear: z.string().nullable(),
      liveDeployments: count.describe("Deployments live at the end of the as-at date"),
    }),
  ),
});

export const DeploymentsEndpoint = endpoint({
  path: "/api/v1/deployments",
  name: "DeploymentPage",
  summary: "Roll-out: deployments and their status as at a date",
  description:
    "Each deployment (a service at an organisation taking up a capability) with its status at the end of the as-at date. Deployments with no status by then are left out. Ordered by organisation, service and capability.",
  query: z.object({
    asAt: AsAtParam,
    capability: z
      .string()
      .trim()
      .regex(/^[a-z0-9_]{1,40}$/, { error: "must be a capability code like mig_view" })
      .optional()
      .describe("Only this capability (code, e.g. mig_view)"),
    status: oneOf(DEPLOYMENT_STATUSES, "Only deployments in this status at the as-at date"),
    locality: LocalityParam,
    organisationType: OrganisationTypeParam,
    late: z
      .enum(["true", "false"], { error: "must be true or false" })
      .optional()
      .describe("true: only late deployments; false: only those not late"),
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      deploymentId: z.number().int().describe("The deployment's number, as in /rollout/deployments/{id}"),
      odsCode: z.string(),
      organisationName: z.string(),
      organisationType: z.enum(ORGANISATION_TYPES),
      locality: z.string().nullable(),
      serviceName: z.string(),
      capabilityCode: z.string(),
      capabilityName: z.string(),
      status: z.enum(DEPLOYMENT_STATUSES),
      statusSince: isoDate,
      plannedGoLive: isoDate.nullable(),
      actualGoLive: isoDate.nullable().describe("First go-live on or before the as-at date"),
      late: z.boolean().describe("Planned go-live has passed and it is not live"),
    }),
  ),
});

const BoroughOptIn = z.object({
  month: isoMonth.nullable().describe("The latest month on or before the as-at month with any return"),
  registered: count,
  optedIn: count,
  declined: count,
  notAsked: count,
  rate: percent.nullable(),
  changeOnMonth: z.number().nullable().describe("Percentage points against the month before"),
  changeOnYear: z.number().nullable().describe("Percentage points against the same month a year before"),
  target: percent,
  practicesReturned: count,
  practicesTotal: count,
});

export const OptInEndpoint = endpoint({
  path: "/api/v1/opt-in",
  name: "OptInPage",
  summary: "Consent: the borough opt-in figure and each practice's latest return",
  description:
    "`borough` is the opt-in for the latest month with returns (for the locality, if given); `data` has one row per GP practice with its latest return on or before the as-at month. Ordered by practice name.",
  query: z.object({
    asAt: AsAtParam,
    locality: LocalityParam,
    flag: oneOf(OPT_IN_FLAGS, "Only practices below the target, falling three months running, or either (attention)"),
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      odsCode: z.string(),
      name: z.string(),
      locality: z.string().nullable(),
      month: isoMonth.nullable().describe("The practice's latest return month (null: none yet)"),
      registered: count.nullable(),
      optedIn: count.nullable(),
      declined: count.nullable(),
      notAsked: count.nullable(),
      nationalOptOuts: count.nullable(),
      rate: percent.nullable(),
      change3Months: z.number().nullable().describe("Percentage points since the return 3 months before"),
      change12Months: z.number().nullable().describe("Percentage points since the return 12 months before"),
      belowTarget: z.boolean(),
      falling: z.boolean().describe("The rate fell in each of the last three month-on-month steps"),
      returnMissing: z.boolean().describe("No return for the borough's reporting month"),
    }),
    { borough: BoroughOptIn },
  ),
});

export const AgreementsEndpoint = endpoint({
  path: "/api/v1/agreements",
  name: "AgreementPage",
  summary: "Data sharing agreements",
  description: "The register: every version except superseded ones (unless status=superseded), with its status and review state on the as-at date. Ordered by reference and version.",
  query: z.object({
    asAt: AsAtParam,
    status: oneOf(EFFECTIVE_AGREEMENT_STATUSES, "Only agreements in this status on the as-at date"),
    purpose: oneOf(AGREEMENT_PURPOSES, "Only agreements for this purpose"),
    partyOdsCode: odsCode("Only agreements this organisation is a party to"),
    reviewDue: oneOf(REVIEW_FILTERS, "Only agreements in force whose review is due, overdue, or either"),
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      reference: z.string(),
      version: z.number().int(),
      title: z.string(),
      purpose: z.enum(AGREEMENT_PURPOSES),
      status: z.enum(EFFECTIVE_AGREEMENT_STATUSES),
      effectiveOn: isoDate.nullable(),
      activatedOn: isoDate.nullable(),
      endedOn: isoDate.nullable(),
      reviewOn: isoDate.nullable(),
      reviewState: z.enum(["not_due", "due", "overdue"]).nullable().describe("Only for agreements in force"),
      parties: count,
      signatures: count.describe("Parties that have signed"),
      declined: count,
      dpiaStatus: z.enum(DPIA_STATUSES).nullable(),
      dpiaResidualRisk: z.enum(RISK_LEVELS).nullable(),
    }),
  ),
});

/** A cover's signed end and its early ending, a dated change shown only from the day it was recorded. */
const coverEndingFields = {
  signedEndOn: isoDate.describe("The last day of cover as signed"),
  endedEarlyOn: isoDate.nullable().describe("The last day of cover after the CCG ended it early, if it did and had recorded that by the as-at date"),
  endedRecordedOn: isoDate.nullable().describe("The day the early ending was recorded: figures as at earlier dates read the signed end date"),
  endReason: z.string().nullable().describe("Why the cover was ended early"),
};

export const IndemnityEndpoint = endpoint({
  path: "/api/v1/indemnity",
  name: "IndemnityCoverPage",
  summary: "Indemnity cover",
  description:
    "Every cover record (history included) with its status on the as-at date. The CCG indemnifies GP practices; cover once recorded for another organisation is listed with counted false. Ordered by organisation, latest cover first.",
  query: z.object({
    asAt: AsAtParam,
    status: oneOf(EFFECTIVE_COVER_STATUSES, "Only cover in this status on the as-at date"),
    expiringWithinDays: z
      .string()
      .regex(/^\d+$/, { error: "must be a whole number of days" })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 3650, { error: "must be between 1 and 3650" })
      .optional()
      .describe("Only cover in force that ends within this many days and has not been renewed"),
    organisationType: OrganisationTypeParam,
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      coverId: z.number().int().describe("The cover's number, as in /indemnity/{id}/edit"),
      odsCode: z.string(),
      organisationName: z.string(),
      organisationType: z.enum(ORGANISATION_TYPES),
      scope: z.string().nullable(),
      startOn: isoDate,
      endOn: isoDate.describe("The last day of cover as known on the as-at date: the signed end date, or the early ending once it was recorded"),
      ...coverEndingFields,
      status: z.enum(EFFECTIVE_COVER_STATUSES),
      documentReference: z.string().nullable(),
      counted: z.boolean().describe("False for cover held by an organisation that is not a GP practice: the CCG indemnifies practices, so it is kept as history and counts for nothing"),
      notCountedReason: z.string().nullable().describe("Why the cover is not counted, when it is not"),
    }),
  ),
});

export const IndemnityPracticesEndpoint = endpoint({
  path: "/api/v1/indemnity-practices",
  name: "PracticeCoverPage",
  summary: "Each practice's indemnity cover, and who can view its record",
  description:
    "The CCG indemnifies GP practices. One row per GP practice that was an active member of the partnership on the as-at date: its cover then (covered, expiring within 90 days unrenewed, lapsed, none), the cover in force, and how many services (how many run by private providers under the NHS badge) could view its record that day. Ordered by practice name.",
  query: z.object({
    asAt: AsAtParam,
    cover: oneOf(PRACTICE_COVER_STATES, "Only practices whose cover was in this state on the as-at date"),
    locality: LocalityParam,
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      odsCode: z.string(),
      name: z.string(),
      locality: z.string().nullable(),
      cover: z.enum(PRACTICE_COVER_STATES),
      coverId: z.number().int().nullable().describe("The cover in force, as in /indemnity/{id}/edit (null: none)"),
      startOn: isoDate.nullable(),
      endOn: isoDate.nullable().describe("The last day of the cover in force as known on the as-at date: the signed end date, or the early ending once it was recorded"),
      signedEndOn: coverEndingFields.signedEndOn.nullable(),
      endedEarlyOn: coverEndingFields.endedEarlyOn,
      endedRecordedOn: coverEndingFields.endedRecordedOn,
      endReason: coverEndingFields.endReason,
      documentReference: z.string().nullable(),
      lastCoverEndedOn: isoDate.nullable().describe("When its last signed cover ended, if before the as-at date"),
      servicesViewing: count.describe("Services with a record-viewing capability live on the as-at date, the practice's own excepted"),
      privateServicesViewing: count.describe("Of those, services run by private organisations working under the NHS badge"),
    }),
  ),
});

export const CasesEndpoint = endpoint({
  path: "/api/v1/cases",
  name: "BusinessCasePage",
  summary: "Business cases and their state as at a date",
  description:
    "Every business case that existed by the as-at date, with its state then. No personal data: authors, reviewers and comments are not included. Ordered by reference.",
  query: z.object({
    asAt: AsAtParam,
    state: oneOf(CASE_STATES, "Only cases in this state at the as-at date"),
    sponsor: odsCode("Only cases sponsored by this organisation (ODS code)"),
    q: text("Part of the title or reference", 200),
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      reference: z.string(),
      title: z.string(),
      state: z.enum(CASE_STATES),
      stateSince: z.string().describe("When the case entered this state (ISO timestamp)"),
      sponsorOdsCode: z.string().nullable(),
      sponsorName: z.string().nullable(),
      targetGoLive: isoDate.nullable(),
      waitingWorkingDays: count.nullable().describe("Working days waited for a reviewer by the as-at date"),
      overSla: z.boolean().describe("Waited longer than the service level"),
    }),
    { slaWorkingDays: count.describe("The service level for a review step, in working days") },
  ),
});

export const ExceptionsEndpoint = endpoint({
  path: "/api/v1/exceptions",
  name: "ExceptionPage",
  summary: "Exceptions: what needs attention, most severe first",
  description: "Every exception the engine finds as at the date, with its severity, the organisation or record, a link and the role that should act.",
  query: z.object({
    asAt: AsAtParam,
    kind: oneOf(EXCEPTION_KINDS, "Only this kind of exception"),
    severity: oneOf(SEVERITIES, "Only this severity"),
    role: oneOf(ROLES, "Only those this role should act on"),
    locality: LocalityParam,
    organisationType: OrganisationTypeParam,
    ...PagingParams,
  }),
  response: pageOf(
    z.object({
      id: z.string().describe("Stable key, e.g. cover_expiring:P92031:12"),
      kind: z.enum(EXCEPTION_KINDS),
      severity: z.enum(SEVERITIES),
      title: z.string(),
      detail: z.string(),
      organisation: OrganisationRef.nullable(),
      record: z.string().nullable().describe("The record it concerns, e.g. ISA-001 v1"),
      href: z.string().describe("Where to look or act in ShareBoard (a path)"),
      actionRole: z.enum(ROLES),
      dueOn: isoDate.nullable(),
      acknowledgement: z
        .object({
          acknowledgedBy: z.string().nullable().describe("Who acknowledged it (null when their account was removed)"),
          acknowledgedOn: isoDate.describe("The reporting date it was acknowledged on"),
          reason: z.string().describe("Why it can wait"),
          reviewBy: isoDate.describe("It is off the task lists until this date"),
          severity: z.enum(SEVERITIES).describe("Its severity when acknowledged; if it becomes more severe the acknowledgement no longer holds"),
        })
        .nullable()
        .describe("The acknowledgement in force on the as-at date, or null"),
    }),
  ),
});

/** Every endpoint: the routes use these, and /api/v1/openapi.json is generated from this list. */
export const API_ENDPOINTS: readonly ApiEndpoint[] = [
  SummaryEndpoint,
  OrganisationsEndpoint,
  DeploymentsEndpoint,
  OptInEndpoint,
  AgreementsEndpoint,
  IndemnityEndpoint,
  IndemnityPracticesEndpoint,
  CasesEndpoint,
  ExceptionsEndpoint,
];

export const ApiProblem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ parameter: z.string(), problem: z.string() })).optional().describe("For 400: each parameter and what is wrong with it"),
});
