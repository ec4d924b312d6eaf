import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Button, DateInput, ErrorSummary, Table, Tag, TextInput, WarningCallout } from "~/components/nhs";
import { formatDate } from "~/lib/dates";
import { redirectWithFlash } from "~/lib/flash.server";
import { parseWith, readDate } from "~/lib/forms";
import { actorFor, requireRole } from "~/lib/session.server";
import { createApiToken, listApiTokens, revokeApiToken } from "~/models/api-tokens.server";
import { CreateTokenSchema, RevokeTokenSchema } from "~/models/api-tokens.schema";

export const meta: MetaFunction = () => [{ title: "API tokens – Admin – ShareBoard" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, "admin", context);
  return { tokens: listApiTokens() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "admin", context);
  const form = await request.formData();
  const actor = actorFor(user, request, context);
  if (form.get("intent") === "revoke") {
    const parsed = parseWith(RevokeTokenSchema, form);
    if (!parsed.ok) throw new Response("Choose a token to revoke", { status: 400 });
    const result = revokeApiToken({ actor, tokenId: parsed.data.tokenId });
    if (result.kind === "not_found") throw new Response("Not found", { status: 404 });
    return redirectWithFlash("/admin/tokens", result.kind === "revoked" ? "Token revoked: it no longer opens the API." : "That token was already revoked.");
  }
  const parsed = parseWith(CreateTokenSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values: { name: String(form.get("name") ?? ""), expiresOn: readDate(form, "expiresOn") }, created: null }, { status: 400 });
  // The token is shown in this response only (never stored in plain text), so no redirect here.
  const created = createApiToken({ actor, name: parsed.data.name, expiresOn: parsed.data.expiresOn });
  return { errors: {}, values: { name: "", expiresOn: "" }, created: { name: parsed.data.name, token: created.token } };
}

export default function ApiTokens() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  return (
    <>
      <h1>API tokens</h1>
      <AdminNav />
      {result?.created ? (
        <WarningCallout heading="Copy this token now" headingLevel={2}>
          <p>
            This is the only time the token for <strong>{result.created.name}</strong> is shown. Store it in the partner&apos;s
            secrets store; ShareBoard keeps only a fingerprint of it.
          </p>
          <p className="sb-token" data-testid="new-token">
            {result.created.token}
          </p>
          <p>Use it as a bearer token: <code>Authorization: Bearer &lt;token&gt;</code> on requests to <code>/api/v1/…</code>.</p>
        </WarningCallout>
      ) : null}
      <ErrorSummary errors={errors} />
      <p>
        Partners&apos; BI tools read ShareBoard through the read-only API at <a href="/api/v1/openapi.json">/api/v1</a>. Each
        token is shown once, stored hashed, can be revoked at any time, and every use is written to the audit log.
      </p>
      <h2>Create a token</h2>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="create" />
        <TextInput id="name" name="name" label="Who will use it" hint="For example, Acute trust BI team" defaultValue={result?.values?.name} error={errors.name} />
        <DateInput id="expiresOn" name="expiresOn" label="Expires on (optional)" hint="Leave empty for a token that lasts until it is revoked" defaultValue={result?.values?.expiresOn} error={errors.expiresOn} />
        <Button type="submit">Create token</Button>
      </Form>
      <h2>Tokens</h2>
      {tokens.length === 0 ? (
        <p>No tokens yet.</p>
      ) : (
        <Table
          caption="Every API token, newest first"
          head={["Name", "Starts with", "Created", "Expires", "Last used", "Status", "Action"]}
          rows={tokens.map((t) => [
            t.name,
            <code key="p">{t.prefix}…</code>,
            `${formatDate(t.createdAt)}${t.createdBy ? ` by ${t.createdBy}` : ""}`,
            t.expiresOn ? formatDate(t.expiresOn) : "Never",
            t.lastUsedAt ? t.lastUsedAt.replace("T", " ").slice(0, 16) : "Not used yet",
            t.revokedAt ? <Tag color="grey">Revoked</Tag> : <Tag color="green">Active</Tag>,
            t.revokedAt ? (
              ""
            ) : (
              <Form method="post" key="r">
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="tokenId" value={t.id} />
                <Button type="submit" variant="secondary" small>
                  Revoke<span className="nhsuk-u-visually-hidden"> {t.name}</span>
                </Button>
              </Form>
            ),
          ])}
        />
      )}
    </>
  );
}
