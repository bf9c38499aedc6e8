import { parseAccessTokenTtl, parseKeyRing, type KeyRing } from "@cleanops/auth";
import { loadServiceConfig, parseEnv, type ServiceConfig } from "@cleanops/http";
import { z } from "zod";

export const WORKER_PORTAL_DEFAULT_PORT = 3002;
export const DEFAULT_PHOTO_STORAGE_DIR = ".data/photos";

export type WorkerPortalConfig = ServiceConfig & {
  keyRing: KeyRing;
  /** Non-fatal key-ring problems (a generated development secret) for the start-up log. */
  keyRingWarnings: string[];
  accessTokenTtlSeconds: number;
  /** Root of the filesystem photo storage (one folder per org below it). */
  photoStorageDir: string;
  /** The session cookie's Secure flag: only plain-HTTP development may turn it off. */
  cookieSecure: boolean;
  /** Express "trust proxy", for the client IP the sign-in throttle counts. */
  trustProxy: boolean | number | string;
};

const unsetIfEmpty = (v: unknown) => (v === "" ? undefined : v);

const extraEnv = z.object({
  PHOTO_STORAGE_DIR: z.preprocess(unsetIfEmpty, z.string().trim().min(1).default(DEFAULT_PHOTO_STORAGE_DIR)),
  COOKIE_SECURE: z.preprocess(unsetIfEmpty, z.enum(["true", "false"], { error: "must be true or false" }).optional()),
  TRUST_PROXY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[0-9A-Za-z.:/, _-]+$/, { error: "must be true, false, a hop count or a list of addresses" })
      .optional(),
  ),
});

function trustProxyOf(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === "false") return false;
  if (raw === "true") return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

/**
 * The only module of worker-portal that reads the environment: DATABASE_URL (required), PORT (default 3002), HOST,
 * LOG_LEVEL, NODE_ENV, the JWT key ring (JWT_SECRET / JWT_KID / JWT_PREVIOUS_SECRETS, as admin-api: both apps sign with
 * the same ring, the audience tells their tokens apart), JWT_ACCESS_TTL_SECONDS, PHOTO_STORAGE_DIR (default
 * `.data/photos`), COOKIE_SECURE (default true, false in development, where the portal runs on plain HTTP) and
 * TRUST_PROXY. Throws an error whose one-line message names the bad variable (never a secret).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): WorkerPortalConfig {
  const service = loadServiceConfig(env, { defaultPort: WORKER_PORTAL_DEFAULT_PORT });
  const extra = parseEnv(extraEnv, env);
  const { keyRing, warnings } = parseKeyRing(env, { production: service.nodeEnv === "production" });
  return {
    ...service,
    keyRing,
    keyRingWarnings: warnings,
    accessTokenTtlSeconds: parseAccessTokenTtl(env),
    photoStorageDir: extra.PHOTO_STORAGE_DIR,
    cookieSecure: extra.COOKIE_SECURE === undefined ? service.nodeEnv !== "development" : extra.COOKIE_SECURE === "true",
    trustProxy: trustProxyOf(extra.TRUST_PROXY),
  };
}
