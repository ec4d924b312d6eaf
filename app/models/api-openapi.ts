import { z } from "zod";
import { API_ENDPOINTS, ApiProblem, type ApiEndpoint } from "./api.schema";

// The OpenAPI 3.1 document for /api/v1/openapi.json, generated from the same zod schemas the
// endpoints parse their queries and responses with (API_ENDPOINTS), so it cannot drift.

type JsonSchema = Record<string, unknown>;

function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** One `in: query` parameter per property of the endpoint's query schema, described as it arrives (a string). */
function parametersOf(query: ApiEndpoint["query"]) {
  const schema = z.toJSONSchema(query, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as JsonSchema & {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: "query",
      required: schema.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** "/api/v1/opt-in" → "getOptIn". */
function operationId(path: string) {
  const last = path.split("/").at(-1) ?? "";
  return "get" + last.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

export function openApiDocument({ serverUrl }: { serverUrl?: string } = {}) {
  const schemas: Record<string, JsonSchema> = {
    Problem: withoutDialect(z.toJSONSchema(ApiProblem, { target: "draft-2020-12", io: "output" }) as JsonSchema),
  };
  const paths: Record<string, unknown> = {};
  for (const endpoint of API_ENDPOINTS) {
    schemas[endpoint.name] = withoutDialect(z.toJSONSchema(endpoint.response, { target: "draft-2020-12", io: "output" }) as JsonSchema);
    paths[endpoint.path] = {
      get: {
        operationId: operationId(endpoint.path),
        summary: endpoint.summary,
        ...(endpoint.description ? { description: endpoint.description } : {}),
        parameters: parametersOf(endpoint.query),
        responses: {
          "200": { description: "The figures as at the date", content: { "application/json": { schema: { $ref: `#/components/schemas/${endpoint.name}` } } } },
          "400": problemResponse("A query parameter is unknown or malformed; `errors` names each parameter and the problem"),
          "401": problemResponse("No bearer token, or the token is unknown, revoked or expired"),
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "ShareBoard read API",
      version: "1.0.0",
      description:
        "Read-only figures for partners' BI tools. Every endpoint takes `asAt` (YYYY-MM-DD, default the reporting date); lists take `page` and `pageSize`. Unknown parameters are refused with 400. Send a token an administrator created at /admin/tokens as `Authorization: Bearer <token>`.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API token from /admin/tokens (it starts sbt_)" } },
      schemas,
    },
  };
}
