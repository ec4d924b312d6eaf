import { it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "~/lib/db.server";
import { users } from "../../db/schema";
import { getUserWithRoles } from "~/models/users.server";
import { taskCountFor, tasksFor } from "~/models/tasks.server";
import { listExceptions } from "~/models/exceptions.server";
it("time", () => {
  for (const email of ["board@example.org", "programme@example.org", "ig@example.org", "ig.gp@example.org", "ccg@example.org", "practitioner@example.org", "practitioner2@example.org", "admin@example.org"]) {
    const u = getUserWithRoles({ userId: getDb().select({ id: users.id }).from(users).where(eq(users.email, email)).get()!.id })!;
    taskCountFor({ user: u, asAt: "2016-10-31" });
    const t = performance.now();
    for (let i = 0; i < 20; i++) taskCountFor({ user: u, asAt: "2016-10-31" });
    console.log(email, u.roles, taskCountFor({ user: u, asAt: "2016-10-31" }), ((performance.now() - t) / 20).toFixed(1), "ms", tasksFor({ user: u, asAt: "2016-10-31" }).map((g) => `${g.heading}:${g.items.length}`).join("; "));
  }
  const t = performance.now();
  for (let i = 0; i < 20; i++) listExceptions({ asAt: "2016-10-31" });
  console.log("engine", ((performance.now() - t) / 20).toFixed(1));
});
