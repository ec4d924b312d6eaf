import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button, Pagination, Tag } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { parseWith } from "~/lib/forms";
import { requireUser } from "~/lib/session.server";
import { listNotifications, markAllNotificationsRead, markNotificationRead } from "~/models/notifications.server";
import { MarkReadFormSchema } from "~/models/notifications.schema";

export const meta: MetaFunction = () => [{ title: "Notifications – ShareBoard" }];

const PAGE_SIZE = 50;

/** Every signed-in user reads their own notifications (the model's WHERE clause is the rule). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const pageParam = Number(new URL(request.url).searchParams.get("page") ?? "1");
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const list = listNotifications({ userId: user.id, page, pageSize: PAGE_SIZE });
  return { ...list, page, pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseWith(MarkReadFormSchema, await request.formData());
  if (!parsed.ok) throw new Response("Choose a notification to mark as read, or mark them all.", { status: 400 });
  if (parsed.data.intent === "read-all") {
    const n = markAllNotificationsRead({ userId: user.id });
    return redirectWithFlash("/notifications", n === 0 ? "You had no unread notifications." : `${n} notification${n === 1 ? "" : "s"} marked as read.`);
  }
  if (!markNotificationRead({ userId: user.id, notificationId: parsed.data.id })) throw new Response("There is no such notification of yours.", { status: 404 });
  return redirectWithFlash("/notifications", "Notification marked as read.");
}

export default function NotificationsPage() {
  const { rows, total, unread, page, pages } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Notifications</h1>
      <p className="nhsuk-body-l">
        {total === 0 ? "You have no notifications yet." : unread === 0 ? "You have read all your notifications." : `You have ${unread} unread notification${unread === 1 ? "" : "s"}.`}
      </p>
      <p>
        ShareBoard tells you here about what needs you: case steps, signatures, reminders before cover ends or a review falls due.{" "}
        <Link to="/settings/notifications">Choose which of them are also e-mailed to you</Link>.
      </p>
      {unread > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="read-all" />
          <Button variant="secondary">Mark all as read</Button>
        </Form>
      ) : null}
      {rows.length ? (
        <ul className="nhsuk-list nhsuk-list--border sb-notifications">
          {rows.map((n) => (
            <li key={n.id} className={n.readAt ? "sb-notification" : "sb-notification sb-notification--unread"}>
              <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                {n.readAt ? null : (
                  <>
                    <Tag color="blue">Unread</Tag>{" "}
                  </>
                )}
                <Link to={n.href}>{n.title}</Link>
              </h2>
              <p className="nhsuk-u-margin-bottom-1">{n.body}</p>
              <p className="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-2">
                {n.kindLabel}, {formatDate(n.onDate)}
              </p>
              {n.readAt ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="read" />
                  <input type="hidden" name="id" value={n.id} />
                  <Button variant="secondary" small>
                    Mark as read<span className="nhsuk-u-visually-hidden">: {n.title}</span>
                  </Button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {pages > 1 ? (
        <Pagination
          previous={page > 1 ? { href: `/notifications?page=${page - 1}`, label: `${page - 1} of ${pages}` } : null}
          next={page < pages ? { href: `/notifications?page=${page + 1}`, label: `${page + 1} of ${pages}` } : null}
        />
      ) : null}
    </>
  );
}
