import { json } from "~/lib/api.server";
import { openApiDocument } from "~/models/api-openapi";

// Public, no token: it describes the API and discloses no data.
let cached: ReturnType<typeof openApiDocument> | null = null;

export async function loader({ request }: { request: Request }) {
  cached ??= openApiDocument({ serverUrl: new URL(request.url).origin });
  return json(cached, { "Cache-Control": "public, max-age=300" });
}
