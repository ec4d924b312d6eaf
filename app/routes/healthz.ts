import { checkDatabase } from "~/models/health.server";

// Public liveness and readiness check for load balancers and uptime monitors.
export async function loader() {
  const database = checkDatabase();
  return Response.json(
    { status: database.ok ? "ok" : "unavailable", database: database.ok ? "reachable" : "unreachable" },
    { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
