import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Pagination, SummaryList, Table, Tag } from "~/components/nhs";
import { parseWith } from "~/lib/forms";
import { ROLE_LABELS } from "~/lib/permissions";
import { requireRole } from "~/lib/session.server";
import { auditChainStatus, listAuditEntries } from "~/models/audit.server";
import { listUsers } from "~/models/users.server";

export const meta: MetaFunction = () => [{ title: "Admin – ShareBoard" }];

const QuerySchema = z.object({ page: z.coerce.number().int().min(1).catch(1).default(1) });
const PAGE_SIZE = 25;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "admin", context);
  const query = parseWith(QuerySchema, new URL(request.url).searchParams);
  const page = query.ok ? query.data.page : 1;
  const audit = listAuditEntries({ page, pageSize: PAGE_SIZE });
  return {
    users: listUsers().map((u) => ({ ...u, roles: u.roles.map((r) => ROLE_LABELS[r]) })),
    chain: auditChainStatus(),
    audit: { ...audit, page, pages: Math.max(1, Math.ceil(audit.total / PAGE_SIZE)) },
  };
}

export default function Admin() {
  const { users, chain, audit } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const pageHref = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    return `?${next}#audit`;
  };
  return (
    <>
      <h1>Administration</h1>
      <h2>Audit log integrity</h2>
      <SummaryList
        rows={[
          {
            key: "Status",
            value: chain.ok ? (
              <Tag color="green">The audit log is intact</Tag>
            ) : (
              <Tag color="red">The audit log has been tampered with (row {chain.brokenAtId}: {chain.reason})</Tag>
            ),
          },
          { key: "Rows checked", value: chain.rows.toLocaleString("en-GB") },
        ]}
      />
      <h2>Users</h2>
      <Table
        caption="Everyone who can sign in, with their roles"
        head={["Email", "Name", "Organisation", "Roles", "Status"]}
        rows={users.map((u) => [
          u.email,
          u.name,
          u.organisationName,
          u.roles.join(", "),
          u.disabledAt ? <Tag color="grey">Disabled</Tag> : <Tag color="green">Active</Tag>,
        ])}
      />
      <h2 id="audit">Audit log</h2>
      <p>
        Every change, sign-in and refused access, newest first. {audit.total.toLocaleString("en-GB")} entries.{" "}
        <Link to="/admin">Back to the first page</Link>
      </p>
      <Table
        caption={`Audit entries, page ${audit.page} of ${audit.pages}`}
        head={["When (UTC)", "Who", "Action", "Record"]}
        rows={audit.rows.map((r) => [r.at.replace("T", " ").slice(0, 19), r.actorLabel, r.action, `${r.entityType}${r.entityId ? ` ${r.entityId}` : ""}`])}
      />
      <Pagination
        previous={audit.page > 1 ? { href: pageHref(audit.page - 1), label: `Page ${audit.page - 1} of ${audit.pages}` } : undefined}
        next={audit.page < audit.pages ? { href: pageHref(audit.page + 1), label: `Page ${audit.page + 1} of ${audit.pages}` } : undefined}
      />
    </>
  );
}
