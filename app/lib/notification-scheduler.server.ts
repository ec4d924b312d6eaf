// Runs the notification work in the server process with croner: the daily scan (and a catch-up
// for missed days at start-up) and, when SMTP_URL is set, the sender every minute. Safe with
// several processes on one database: scans are idempotent (unique keys, INSERT … ON CONFLICT DO
// NOTHING) and each e-mail is claimed atomically by one sender.
import { Cron } from "croner";
import { catchUpScans } from "~/models/notification-scan.server";
import { createMailTransport, deliverDueEmails, newWorkerId } from "~/models/notification-mail.server";

type Log = (line: string) => void;

export function startNotificationScheduler({ log, scanPattern = process.env.NOTIFICATION_SCAN_CRON || "15 6 * * *", sendPattern = "* * * * *" }: { log: Log; scanPattern?: string; sendPattern?: string }) {
  const workerId = newWorkerId();
  const scan = (why: string) => {
    try {
      const { dates, created } = catchUpScans();
      log(`Notifications: ${why} scan of ${dates.length === 1 ? dates[0] : `${dates[0]} to ${dates.at(-1)}`} made ${created} new`);
    } catch (error) {
      log(`Notifications: the ${why} scan failed and will run again at the next one: ${(error as Error).message}`);
    }
  };
  const transport = createMailTransport();
  const send = async () => {
    if (!transport) return;
    try {
      const r = await deliverDueEmails({ transport, workerId });
      if (r.sent || r.retrying || r.failed) log(`Notifications: e-mail sent ${r.sent}, to retry ${r.retrying}, failed ${r.failed}`);
    } catch (error) {
      log(`Notifications: sending stopped and will resume next minute: ${(error as Error).message}`);
    }
  };
  // protect: a run still going when the next is due is skipped, never doubled.
  const scanJob = new Cron(scanPattern, { protect: true, name: `notification-scan-${workerId}` }, () => scan("daily"));
  const sendJob = transport ? new Cron(sendPattern, { protect: true, name: `notification-send-${workerId}` }, send) : null;
  if (!transport) log("Notifications: SMTP_URL is not set, so e-mails are kept in the outbox (Admin, Outbox) and not sent");
  setImmediate(() => {
    scan("start-up");
    void send();
  });
  return {
    stop() {
      scanJob.stop();
      sendJob?.stop();
    },
  };
}
