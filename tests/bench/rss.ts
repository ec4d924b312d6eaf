// Resident memory of the server under benchmark (tests/bench/run.ts, past-dates.ts): the tsx
// wrapper, the cluster's primary and its workers together.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

/**
 * Resident memory of a process and all its descendants, KiB. Read from /proc (each thread's
 * children and each process's VmRSS): spawning `ps` every 250 ms, as this did before, took the
 * bench's own thread for several milliseconds each time and a share of the two cores, in the
 * middle of what it was timing (the import runs on this thread). `ps` where there is no /proc.
 */
export function treeRssKiB(rootPid: number) {
  if (!fs.existsSync(`/proc/${rootPid}/task`)) return treeRssKiBFromPs(rootPid);
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        const children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process (or thread) ended between two reads
    }
  }
  return total;
}

function treeRssKiBFromPs(rootPid: number) {
  const out = spawnSync("ps", ["-e", "-o", "pid=,ppid=,rss="], { encoding: "utf8" }).stdout;
  const rows = out.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , kib]) => [pid, kib]));
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}
