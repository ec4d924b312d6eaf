import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { LineChartFigure } from "~/components/charts";
import { Details, InsetText, Pagination, SummaryList, Table } from "~/components/nhs";
import { PrivateProviderTag } from "~/components/private-provider-tag";
import { formatDate, formatMonth } from "~/lib/dates";
import { keptText } from "~/lib/data-version.server";
import { readJsonText } from "~/lib/json-text";
import { SUPPRESSED_TEXT } from "~/lib/suppression";
import { pageParam } from "~/lib/table-query";
import { getReportingDate, getSettings } from "~/models/settings.server";
import { transparencyPage } from "~/models/transparency.server";
import { PRIVATE_PROVIDER_TAG } from "~/models/rollout.labels";

export const meta: MetaFunction = () => [{ title: "How we share health and care records – ShareBoard" }];

/** Public: no sign-in. Judged at the reporting date; every patient count is suppressed below 10. */
export async function loader({ request }: LoaderFunctionArgs) {
  const asAt = getReportingDate();
  // Sized for people on a phone: a region or the whole country has thousands of services and agreements,
  // so both lists are paged on the server (the page and its data were 2.7 MB at national scale).
  const params = new URL(request.url).searchParams;
  // The page's figures as one JSON text kept with them (read back once by the page): encoded value by
  // value, their ~3,600 values nationally took 0.7 ms of every request.
  const page = transparencyPage({ asAt, page: pageParam(params), agreementsPage: pageParam(params, "agreementsPage") });
  return { page: keptText(page, "transparency-page", (kept) => kept), partnershipName: getSettings().partnership_name };
}

/** Previous and next links for one of the page's two lists, keeping the other list's page. */
function ListPagination({ param, page, pages, other, anchor, label }: { param: string; page: number; pages: number; other: [string, number]; anchor: string; label: string }) {
  if (pages <= 1) return null;
  const href = (n: number) => {
    const q = new URLSearchParams();
    if (other[1] > 1) q.set(other[0], String(other[1]));
    if (n > 1) q.set(param, String(n));
    const query = q.toString();
    return `/transparency${query ? `?${query}` : ""}#${anchor}`;
  };
  return (
    <Pagination
      ariaLabel={label}
      previous={page > 1 ? { href: href(page - 1), label: `${page - 1} of ${pages}` } : undefined}
      next={page < pages ? { href: href(page + 1), label: `${page + 1} of ${pages}` } : undefined}
    />
  );
}

const rateText = (rate: number | null) => (rate === null ? `suppressed (${SUPPRESSED_TEXT} patients)` : `${rate.toFixed(1)}%`);

/** "ISA-001" alone means nothing to a resident: name the agreement in words, with its reference for anyone who asks. */
function agreementName(reference: string, titles: ReadonlyMap<string, string>) {
  const title = titles.get(reference);
  return title ? `${title} (reference ${reference})` : `Agreement reference ${reference}`;
}

export default function TransparencyPage() {
  const loaded = useLoaderData<typeof loader>();
  const d = useMemo(() => ({ ...readJsonText(loaded.page), partnershipName: loaded.partnershipName }), [loaded]);
  const latest = [...d.optIn].reverse().find((p) => p.rate !== null) ?? null;
  const titles = new Map(d.agreementTitles.map((a) => [a.reference, a.title]));
  return (
    <>
      <h1>How we share health and care records</h1>
      <p className="nhsuk-body-l">
        The {d.partnershipName} lets the people caring for you see your GP record, so they have the full picture when they treat you. This page
        explains what is shared, who can see it, why, and the choices you have. It is correct on {formatDate(d.asAt)}.
      </p>

      <h2 id="what">What is shared</h2>
      <p>
        The information from your GP record that the people treating you need: for example your medicines, allergies, health conditions and test
        results. It is shown to them on screen while they care for you; it is not sold, and it is not used to contact you.
      </p>

      <h2 id="who-can-see">Who can see it</h2>
      <p>
        {d.serviceCount} services can view a shared record today. They see it only while they are caring for you, every view is recorded, and your GP
        practice can see who looked.
      </p>
      <p>
        Some of them are private companies that provide NHS-funded care, such as community pharmacies. They are marked &ldquo;{PRIVATE_PROVIDER_TAG}&rdquo;. The
        clinical commissioning group (CCG) protects your GP practice against legal claims about this sharing (it indemnifies the practice).
      </p>
      <Table
        caption={
          d.organisationsPage.pages > 1
            ? `Services that can view a shared record, by organisation (page ${d.organisationsPage.page} of ${d.organisationsPage.pages})`
            : "Services that can view a shared record, by organisation"
        }
        head={["Organisation", "Services", "What they can do", "Why", "Agreement"]}
        rows={d.viewingOrganisations.map((o) => {
          const distinct = (values: string[]) => [...new Set(values)];
          const agreements = distinct(o.services.flatMap((s) => s.agreements));
          return [
            <span key="o">
              <strong>{o.name}</strong>
              <br />
              {/* A private organisation working under the NHS badge is marked as such instead of by its type alone. */}
              {o.privateProvider ? <PrivateProviderTag /> : <span className="nhsuk-body-s">{o.type}</span>}
            </span>,
            <ul key="s" className="nhsuk-list nhsuk-body-s nhsuk-u-margin-bottom-0">
              {o.services.map((s) => (
                <li key={s.name}>
                  {s.name}
                  {s.agreements.length ? null : <em> (its agreement is being put in place)</em>}
                </li>
              ))}
            </ul>,
            distinct(o.services.flatMap((s) => s.capabilities)).join("; "),
            distinct(o.services.flatMap((s) => s.purposes)).map((p) => (p === "Direct care" ? "To care for you (direct care)" : p)).join("; ") || "Not yet agreed",
            agreements.length ? agreements.map((r) => agreementName(r, titles)).join("; ") : "Being put in place",
          ];
        })}
      />
      <ListPagination
        param="page"
        page={d.organisationsPage.page}
        pages={d.organisationsPage.pages}
        other={["agreementsPage", d.agreementsPage.page]}
        anchor="who-can-see"
        label="Pages of services that can view a shared record"
      />

      <h2 id="why">Why it is shared</h2>
      <p>
        So that a nurse, doctor, pharmacist or care worker treating you does not have to rely on memory or repeat tests, and can see your medicines and
        allergies before they act. Every organisation that can see records has signed a written agreement that says what it may see and why, and what it
        must do to keep the information safe. Data protection law allows health and care services to share information in this way to care for you.
      </p>

      <h2 id="agreements">The agreements that allow it</h2>
      <p>
        These are the agreements in force{d.agreementsPage.pages > 1 ? ` (${d.agreementsPage.total}, ${d.agreementsPage.size} to a page)` : ""}. The legal detail of
        each is there for anyone who wants it.
      </p>
      {d.activeAgreements.map((a) => (
        <section key={`${a.reference}-${a.version}`} aria-labelledby={`agreement-${a.reference}-${a.version}`} className="nhsuk-u-margin-bottom-5">
          <h3 id={`agreement-${a.reference}-${a.version}`}>{a.title}</h3>
          <SummaryList
            rows={[
              { key: "What it is for", value: a.purpose === "Direct care" ? "Caring for you (direct care)" : a.purpose },
              { key: "Your choice", value: a.consentModel },
              { key: "Signed by", value: `${a.parties.length} organisations` },
              { key: "In force from", value: formatDate(a.effectiveOn) },
              { key: "Next review", value: formatDate(a.reviewOn) },
            ]}
          />
          <Details summary={`The legal detail of ${a.title}`}>
            <SummaryList
              rows={[
                { key: "Reference", value: `${a.reference}, version ${a.version}` },
                {
                  key: "Legal basis (UK GDPR)",
                  value: (
                    <>
                      Article {a.article6}
                      {a.article9 ? (
                        <>
                          <br />
                          Article {a.article9}
                        </>
                      ) : null}
                    </>
                  ),
                },
                {
                  key: "Organisations that signed it",
                  value: (
                    <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                      {a.parties.map((p) => (
                        <li key={p}>{p}</li>
                      ))}
                    </ul>
                  ),
                },
              ]}
            />
          </Details>
        </section>
      ))}
      <ListPagination
        param="agreementsPage"
        page={d.agreementsPage.page}
        pages={d.agreementsPage.pages}
        other={["page", d.organisationsPage.page]}
        anchor="agreements"
        label="Pages of agreements in force"
      />

      <h2 id="consent">Your choices</h2>
      <p>
        Your record is shared only if you agree. The first time a service needs to look at your GP record, the person treating you asks whether you are
        happy for them to see it. You can say no, and you can change your mind at any time by telling your GP practice. Saying no does not affect the care
        you receive.
      </p>
      <InsetText>
        This local choice is not the same as the National Data Opt-out. The National Data Opt-out covers uses of your information beyond your individual
        care, such as research and planning; it does not stop the people treating you from seeing your record. You can set it at nhs.uk/your-nhs-data-matters.
      </InsetText>

      <h2 id="opt-in">How many people have agreed</h2>
      {latest ? (
        <p>
          In {formatMonth(latest.month)}, {rateText(latest.rate)} of patients registered with a GP practice in the borough had agreed to share their record ({latest.optedIn} of{" "}
          {latest.registered}).
        </p>
      ) : null}
      <LineChartFigure
        id="transparency-opt-in"
        caption="Share of registered patients who have agreed to share their record, by month"
        description={`Figures for groups of ${SUPPRESSED_TEXT} patients are not published.`}
        data={d.optIn}
        xKey="month"
        xLabel="Month"
        series={[{ key: "rate", name: "Borough" }]}
        yLabel="Agreed to share (%)"
        yDomain={[0, 100]}
        formatX={(m) => formatMonth(String(m))}
        formatY={(v) => (v === null || v === undefined ? SUPPRESSED_TEXT : `${Number(v).toFixed(1)}%`)}
      />
      <p className="nhsuk-body-s">No names or other personal details appear on this page. Any figure about fewer than 10 patients is shown as &ldquo;{SUPPRESSED_TEXT}&rdquo;.</p>
    </>
  );
}
