import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";

export type ReceivedMail = { to: string[]; subject: string; text: string; html: string; raw: string };

function unfold(headers: string) {
  return headers.replace(/\r?\n[ \t]+/g, " ");
}

function decodeQuotedPrintable(body: string) {
  return Buffer.from(
    body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");
}

/** The decoded body of the first MIME part of this content type (enough for nodemailer's messages). */
function part(raw: string, type: string) {
  const sections = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const section of sections) {
    const split = section.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = unfold(section.slice(0, split));
    if (!new RegExp(`content-type:\\s*${type}`, "i").test(headers)) continue;
    let body = section.slice(split).replace(/^\r?\n\r?\n/, "").replace(/\r?\n--[^\r\n]+--\s*$/, "");
    if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) body = decodeQuotedPrintable(body);
    else if (/content-transfer-encoding:\s*base64/i.test(headers)) body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    return body.replace(/\r\n/g, "\n");
  }
  return "";
}

/**
 * A real SMTP server on a free loopback port that keeps what it receives. `failFirst` refuses the
 * first N messages with a temporary error (451), as a busy mail server would.
 */
export async function startSmtpServer({ failFirst = 0 }: { failFirst?: number } = {}) {
  const messages: ReceivedMail[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (refused < failFirst) {
          refused++;
          const error = Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const split = raw.search(/\r?\n\r?\n/);
        const headers = unfold(raw.slice(0, split));
        const subject = /^subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? "";
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject, text: part(raw, "text/plain"), html: part(raw, "text/html"), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
