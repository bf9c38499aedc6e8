/** The mail settings an app reads from its environment (through its own config module). */
export type MailConfig = { smtpUrl: string | null; from: string };

export const DEFAULT_MAIL_FROM = "CleanOps <no-reply@cleanops.localhost>";

export class MailConfigError extends Error {
  override readonly name = "MailConfigError";
}

/**
 * SMTP_URL: smtp:// or smtps:// (credentials in the URL); unset → the developer mailer (the demo). MAIL_FROM: the
 * sender. The message of an error names the variable, never the URL (it may hold a password).
 */
export function parseMailConfig(env: Readonly<Record<string, string | undefined>>): MailConfig {
  const raw = env.SMTP_URL;
  let smtpUrl: string | null = null;
  if (raw !== undefined && raw !== "") {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new MailConfigError("Invalid configuration: SMTP_URL must be an smtp:// or smtps:// URL");
    }
    if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
      throw new MailConfigError("Invalid configuration: SMTP_URL must be an smtp:// or smtps:// URL");
    }
    smtpUrl = raw;
  }
  const from = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (/[\r\n]/.test(from)) throw new MailConfigError("Invalid configuration: MAIL_FROM must be one line");
  return { smtpUrl, from };
}
