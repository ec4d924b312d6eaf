// One scheduler's work, as a separate process would do it: catch up on scans, then send what is
// due. The two-schedulers test runs two of these at once on the same database file.
import { catchUpScans } from "~/models/notification-scan.server";
import { createMailTransport, deliverDueEmails } from "~/models/notification-mail.server";

const scans = catchUpScans();
const transport = createMailTransport();
const sent = transport ? await deliverDueEmails({ transport }) : null;
console.log(JSON.stringify({ scans, sent }));
process.exit(0);
