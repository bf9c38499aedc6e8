import type { Writable } from "node:stream";
import nodemailer from "nodemailer";

/** One plain-text mail. Account mails carry a link with a single-use token: only ever text, never logged. */
export type OutgoingMail = { to: string; subject: string; text: string };

/**
 * Where mail goes: `smtp` delivers to a real server (SMTP_URL); `developer` is the demo without one, which prints each
 * mail where the developer sees it (the `pnpm start` output) and keeps it for the local mail page.
 */
export type Mailer = {
  readonly kind: "smtp" | "developer";
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
};

/** Delivers through nodemailer to `url` (smtp:// or smtps://, credentials in the URL). */
export function smtpMailer(options: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(options.url);
  return {
    kind: "smtp",
    async send(mail) {
      await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => {
      transport.close();
      return Promise.resolve();
    },
  };
}

/**
 * The demo's mailer: each mail printed to `out` (standard output, not the log: logs never hold a token, and this is a
 * developer's own machine without a mail server). Only ever used when no SMTP_URL is configured.
 */
export function developerMailer(options: { out: Writable; mailPageUrl?: string | undefined }): Mailer {
  return {
    kind: "developer",
    send(mail) {
      const rule = "-".repeat(72);
      const page = options.mailPageUrl ? `\n(also listed at ${options.mailPageUrl})` : "";
      options.out.write(`\n${rule}\nMAIL (no SMTP_URL configured) to ${mail.to}: ${mail.subject}\n\n${mail.text}\n${rule}${page}\n`);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
