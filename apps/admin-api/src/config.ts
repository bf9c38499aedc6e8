import { parseAccessTokenTtl, parseKeyRing, type KeyRing } from "@cleanops/auth";
import { ConfigError, loadServiceConfig, type ServiceConfig } from "@cleanops/http";
import { MailConfigError, parseMailConfig, type MailConfig } from "@cleanops/mail";

export const ADMIN_API_DEFAULT_PORT = 3001;
export const DEFAULT_REFRESH_TOKEN_TTL_DAYS = 30;
export const MAX_REFRESH_TOKEN_TTL_DAYS = 365;
/** Where public-invoices serves `/i/{token}`: the base of every invoice link admin-api hands out. */
export const DEFAULT_PUBLIC_INVOICES_URL = "http://127.0.0.1:3003";
/** The staff web app: the base of the links in account mail (`/verify-email`, `/reset-password`, `/accept-invitation`). */
export const DEFAULT_WEB_APP_URL = "http://127.0.0.1:3000";

export type AdminApiConfig = ServiceConfig & {
  keyRing: KeyRing;
  /** Non-fatal key-ring problems (a generated development secret) for the start-up log. */
  keyRingWarnings: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Express "trust proxy": which hops' X-Forwarded-For to believe for the client IP (throttling, audit log). */
  trustProxy: boolean | number | string;
  /** The base URL of public-invoices, without a trailing slash. */
  publicInvoicesUrl: string;
  /** The base URL of the staff web app, without a trailing slash (links in account mail). */
  webAppUrl: string;
  /** SMTP_URL (null: the demo's developer mailer) and MAIL_FROM. */
  mail: MailConfig;
};

/**
 * TRUST_PROXY: unset/"false" → the socket's address (direct exposure); "true" → every hop (only behind a proxy that
 * overwrites the header); a number → that many hops; anything else → Express's list of trusted addresses/subnets
 * (e.g. "loopback, 10.0.0.0/8"). Behind a proxy without it, every client shares the proxy's IP and its throttle.
 */
function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[0-9A-Za-z.:/, _-]+$/.test(raw))
    throw new ConfigError("Invalid configuration: TRUST_PROXY must be true, false, a hop count or a list of addresses");
  return raw;
}

/** An http(s) URL without query or fragment; the trailing slash is dropped so `${base}/i/${token}` has one slash. */
function parsePublicInvoicesUrl(raw: string | undefined): string {
  return parseBaseUrl(raw, DEFAULT_PUBLIC_INVOICES_URL, "PUBLIC_INVOICES_URL");
}

function parseBaseUrl(raw: string | undefined, fallback: string, name: string): string {
  if (raw === undefined || raw === "") return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`Invalid configuration: ${name} must be an http(s) URL`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`Invalid configuration: ${name} must be an http(s) URL without credentials, query or fragment`);
  }
  return url.toString().replace(/\/+$/, "");
}

function parseRefreshTokenTtlDays(raw: string | undefined): number {
  if (raw === undefined || raw === "") return DEFAULT_REFRESH_TOKEN_TTL_DAYS;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(days) || days < 1 || days > MAX_REFRESH_TOKEN_TTL_DAYS) {
    throw new ConfigError(
      `Invalid configuration: REFRESH_TOKEN_TTL_DAYS must be a whole number of days from 1 to ${MAX_REFRESH_TOKEN_TTL_DAYS}`,
    );
  }
  return days;
}

/**
 * The only module of admin-api that reads the environment: DATABASE_URL (required), PORT (default 3001),
 * HOST (default 127.0.0.1), LOG_LEVEL, NODE_ENV, JWT_SECRET / JWT_KID / JWT_PREVIOUS_SECRETS (the key ring; a secret
 * is required in production), JWT_ACCESS_TTL_SECONDS (default 900), REFRESH_TOKEN_TTL_DAYS (default 30) and
 * TRUST_PROXY (default off) and PUBLIC_INVOICES_URL (default http://127.0.0.1:3003, the base of invoice links),
 * WEB_APP_URL (default http://127.0.0.1:3000, admin-web; the base of account-mail links), SMTP_URL (unset: mail is shown to the
 * developer instead of sent) and MAIL_FROM.
 * Throws an error whose one-line message names the bad variable (never a secret).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AdminApiConfig {
  const service = loadServiceConfig(env, { defaultPort: ADMIN_API_DEFAULT_PORT });
  const { keyRing, warnings } = parseKeyRing(env, { production: service.nodeEnv === "production" });
  return {
    ...service,
    keyRing,
    keyRingWarnings: warnings,
    accessTokenTtlSeconds: parseAccessTokenTtl(env),
    refreshTokenTtlDays: parseRefreshTokenTtlDays(env.REFRESH_TOKEN_TTL_DAYS),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    publicInvoicesUrl: parsePublicInvoicesUrl(env.PUBLIC_INVOICES_URL),
    webAppUrl: parseBaseUrl(env.WEB_APP_URL, DEFAULT_WEB_APP_URL, "WEB_APP_URL"),
    mail: parseMail(env),
  };
}

function parseMail(env: Readonly<Record<string, string | undefined>>): MailConfig {
  try {
    return parseMailConfig(env);
  } catch (err) {
    if (err instanceof MailConfigError) throw new ConfigError(err.message);
    throw err;
  }
}
