import { problem } from "~/lib/api.server";

// Anything else under /api/v1: a JSON 404 for API clients, not the HTML page.
export async function loader({ request }: { request: Request }) {
  const { pathname } = new URL(request.url);
  return problem(404, "Not found", `There is no endpoint ${pathname}. The endpoints are listed in /api/v1/openapi.json.`);
}

export const action = loader;
