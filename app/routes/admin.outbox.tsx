import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Details, InsetText, Pagination, Table, Tag } from "~/components/nhs";
import { requireRole } from "~/lib/session.server";
import { listOutbox } from "~/models/notification-mail.server";
import { OutboxQuerySchema } from "~/models/notifications.schema";
import { OUTBOX_STATUSES, OUTBOX_STATUS_COLOURS, OUTBOX_STATUS_LABELS } from "~/models/notifications.labels";

export const meta: MetaFunction = () => [{ title: "Outbox – Admin – ShareBoard" }];

const PAGE_SIZE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "admin", context);
  const query = OutboxQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return listOutbox({ status: query.status, page: query.page ?? 1, pageSize: PAGE_SIZE });
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "");

export default function Outbox() {
  const { rows, total, byStatus, page, pageSize, smtpConfigured, status } = useLoaderData<typeof loader>();
  const pageHref = (n: number) => `/admin/outbox?${new URLSearchParams({ ...(status ? { status } : {}), page: String(n) })}`;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <>
      <h1>Outbox</h1>
      <AdminNav />
      <InsetText>
        {smtpConfigured ? (
          <p>A mail server is set (SMTP_URL): messages are sent within a minute, and a failed send is tried again after 1, 5, 30 and 120 minutes before it is marked failed.</p>
        ) : (
          <p>No mail server is set (SMTP_URL), so e-mails are kept here and not sent. Set SMTP_URL to send them.</p>
        )}
      </InsetText>
      <nav aria-label="Filter by status" className="nhsuk-u-margin-bottom-4">
        <ul className="nhsuk-list sb-inline-list">
          <li>
            <Link to="/admin/outbox">All ({Object.values(byStatus).reduce((a, b) => a + (b ?? 0), 0)})</Link>
          </li>
          {OUTBOX_STATUSES.map((s) => (
            <li key={s}>
              <Link to={`/admin/outbox?status=${s}`}>
                {OUTBOX_STATUS_LABELS[s]} ({byStatus[s] ?? 0})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {rows.length === 0 ? (
        <p>No e-mails here.</p>
      ) : (
        <Table
          caption={`E-mails, newest first (${total})`}
          head={["To", "Subject", "Status", "Attempts", "Last error", "Created", "Sent"]}
          rows={rows.map((r) => [
            r.to,
            <Details key="d" summary={r.subject}>
              <pre className="sb-email-text">{r.text}</pre>
            </Details>,
            <Tag key="s" color={OUTBOX_STATUS_COLOURS[r.status]}>
              {OUTBOX_STATUS_LABELS[r.status]}
            </Tag>,
            { content: r.attempts, format: "numeric" },
            r.lastError ? `${r.lastError}${r.status === "pending" ? ` (next try ${when(r.nextAttemptAt)} UTC)` : ""}` : "",
            when(r.createdAt),
            when(r.sentAt),
          ])}
        />
      )}
      {pages > 1 ? (
        <Pagination
          previous={page > 1 ? { href: pageHref(page - 1), label: `${page - 1} of ${pages}` } : null}
          next={page < pages ? { href: pageHref(page + 1), label: `${page + 1} of ${pages}` } : null}
        />
      ) : null}
    </>
  );
}
