import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { requireUser } from "~/lib/session.server";
import { getReportingDate } from "~/models/settings.server";
import { tasksFor } from "~/models/tasks.server";

export const meta: MetaFunction = () => [{ title: "Your tasks – ShareBoard" }];

/** Items listed in each group; the rest are counted and linked (a national board can have hundreds of cases waiting). */
const LISTED = 50;

/** Where every item of a group is listed, for a group longer than LISTED. */
const FULL_LIST: Record<string, { href: string; text: string }> = {
  "cases-to-review": { href: "/cases?scope=queue", text: "business cases waiting for your review" },
  "own-cases": { href: "/cases?scope=mine", text: "your business cases" },
  "agreements-to-sign": { href: "/agreements?status=awaiting_signatures", text: "agreements awaiting signatures" },
  cover: { href: "/exceptions?role=ccg", text: "exceptions for the CCG" },
  priorities: { href: "/exceptions?kind=priority_endorsement_due", text: "priorities due for endorsement" },
  "exceptions-programme": { href: "/exceptions?role=programme", text: "exceptions for the programme team" },
  "exceptions-ig-lead": { href: "/exceptions?role=ig_lead", text: "exceptions for IG leads" },
};

/** What the signed-in user has to do now, judged at the reporting date (tasks have no as-at view). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const asAt = getReportingDate();
  const groups = tasksFor({ user, asAt });
  return {
    asAt,
    groups: groups.map((g) => ({ ...g, items: g.items.slice(0, LISTED), count: g.items.length, fullList: FULL_LIST[g.id] ?? null })),
    total: groups.reduce((sum, g) => sum + g.items.length, 0),
  };
}

export default function TasksPage() {
  const { asAt, groups, total } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Your tasks</h1>
      <p className="nhsuk-body-l">
        {total === 0 ? "Nothing is waiting for you" : `${total} thing${total === 1 ? "" : "s"} waiting for you`} on {formatDate(asAt)}, the reporting date.
      </p>
      {groups.length === 0 ? <p>Your role has no tasks in ShareBoard. The exceptions page lists everything that needs attention across the partnership.</p> : null}
      {groups.map((g) => (
        <section key={g.id} aria-labelledby={`tasks-${g.id}`} className="nhsuk-u-margin-bottom-6">
          <h2 id={`tasks-${g.id}`}>
            {g.heading} ({g.count})
          </h2>
          {g.items.length ? (
            <ul className="nhsuk-list nhsuk-list--border">
              {g.items.map((item) => (
                <li key={item.id}>
                  {item.tag ? (
                    <>
                      <Tag color={item.tag.color}>{item.tag.text}</Tag>{" "}
                    </>
                  ) : null}
                  <Link to={item.href}>{item.title}</Link>
                  <br />
                  <span className="nhsuk-body-s">
                    {item.detail}
                    {item.acknowledgeHref ? (
                      <>
                        <br />
                        <Link to={item.acknowledgeHref}>
                          Acknowledge<span className="nhsuk-u-visually-hidden"> this exception: {item.title}</span>
                        </Link>
                      </>
                    ) : null}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p>Nothing waiting for you.</p>
          )}
          {g.count > g.items.length ? (
            <p>
              And {g.count - g.items.length} more
              {g.fullList ? (
                <>
                  : <Link to={g.fullList.href}>see all the {g.fullList.text}</Link>
                </>
              ) : null}
              .
            </p>
          ) : null}
        </section>
      ))}
      <p>
        <Link to="/exceptions">See every exception across the partnership</Link>
      </p>
    </>
  );
}
