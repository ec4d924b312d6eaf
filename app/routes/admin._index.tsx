import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Button, Pagination, SummaryList, Table, Tag, WarningCallout } from "~/components/nhs";
import { parseWith } from "~/lib/forms";
import { ROLE_LABELS } from "~/lib/permissions";
import { redirectWithFlash } from "~/lib/flash.server";
import { actorFor, requireRole } from "~/lib/session.server";
import { auditChainStatus, listAuditEntries } from "~/models/audit.server";
import { disableUser, enableUser, listUsers } from "~/models/users.server";
import { AdminQuerySchema, UserActionSchema } from "~/models/admin.schema";

export const meta: MetaFunction = () => [{ title: "Admin – ShareBoard" }];

const PAGE_SIZE = 25;


export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin", context);
  const parsed = parseWith(UserActionSchema, await request.formData());
  if (!parsed.ok) throw new Response("Choose a user and an action", { status: 400 });
  if (parsed.data.userId === admin.id) {
    return redirectWithFlash("/admin", "You cannot disable your own account: ask another administrator.");
  }
  const actor = actorFor(admin, request, context);
  const done = parsed.data.intent === "disable" ? disableUser({ actor, userId: parsed.data.userId }) : enableUser({ actor, userId: parsed.data.userId });
  if (!done) throw new Response("Not found", { status: 404 });
  if (!done.changed) return redirectWithFlash("/admin", parsed.data.intent === "disable" ? "That user was already disabled: nothing changed." : "That user was already enabled: nothing changed.");
  return redirectWithFlash("/admin", parsed.data.intent === "disable" ? "User disabled: their sessions have ended and they cannot sign in." : "User enabled: they can sign in again.");
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "admin", context);
  const query = parseWith(AdminQuerySchema, new URL(request.url).searchParams);
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
      <AdminNav />
      <h2>Audit log integrity</h2>
      <p>The same check as <code>npm run audit:verify</code>: the hash chain, the append-only triggers and the signed checkpoints kept outside the database.</p>
      <SummaryList
        rows={[
          {
            key: "Status",
            value: chain.ok ? (
              <Tag color="green">The audit log verifies</Tag>
            ) : (
              <Tag color="red">The audit log does not verify{chain.firstBadRowId !== null ? ` (first bad row: ${chain.firstBadRowId})` : ""}</Tag>
            ),
          },
          { key: "Rows checked", value: chain.rows.toLocaleString("en-GB") },
          {
            key: "Checkpoints compared",
            value: chain.latestCheckpoint
              ? `${chain.checkpointsChecked.toLocaleString("en-GB")} (latest: ${chain.latestCheckpoint.rows.toLocaleString("en-GB")} rows at ${chain.latestCheckpoint.at.replace("T", " ").slice(0, 19)} UTC)`
              : "None",
          },
        ]}
      />
      {chain.ok ? null : (
        <WarningCallout heading="What is wrong with the audit log">
          <ul>
            {chain.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </WarningCallout>
      )}
      <h2>Users</h2>
      <Table
        caption="Everyone who can sign in, with their roles"
        head={["Email", "Name", "Organisation", "Roles", "Status", "Action"]}
        rows={users.map((u) => [
          u.email,
          u.name,
          u.organisationName,
          u.roles.join(", "),
          u.disabledAt ? <Tag color="grey">Disabled</Tag> : <Tag color="green">Active</Tag>,
          <Form method="post" key="a">
            <input type="hidden" name="userId" value={u.id} />
            <input type="hidden" name="intent" value={u.disabledAt ? "enable" : "disable"} />
            <Button type="submit" variant="secondary" small className="nhsuk-u-margin-bottom-0">
              {u.disabledAt ? "Enable" : "Disable"}
              <span className="nhsuk-u-visually-hidden"> {u.email}</span>
            </Button>
          </Form>,
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
