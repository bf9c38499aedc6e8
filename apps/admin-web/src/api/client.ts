import createClient from "openapi-fetch";
import type { components, paths } from "./schema.gen.ts";

export type Schemas = components["schemas"];
export type BrowserSession = Schemas["BrowserSession"];
export type OrgRequired = Schemas["OrgRequired"];

/** admin-api, as this origin serves it (admin-web's server and Vite's dev server both proxy it). */
export const API_BASE = "/api";

/** Required by the cookie routes of admin-api (`/auth/session*`): a cross-site form cannot send it. */
export const CSRF_HEADERS = { "X-CleanOps-CSRF": "1" } as const;

/** A refused call: admin-api's stable error code, its message (a 409's reason) and status. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, body: unknown) {
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    super(typeof error?.message === "string" ? error.message : `Request failed (${status}).`);
    this.name = "ApiError";
    this.status = status;
    this.code = typeof error?.code === "string" ? error.code : "unknown";
    this.details = typeof error?.details === "object" && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
  }
}

/** The data of an openapi-fetch result, or the ApiError of its response. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw new ApiError(result.response.status, result.error);
  return result.data as T;
}

/** Where the client gets the access token (memory only) and how it gets a fresh one after a 401. */
export type TokenSource = {
  current(): string | undefined;
  /** A fresh access token from the refresh cookie, or undefined when the browser's sign-in is over. */
  renew(): Promise<string | undefined>;
};

/**
 * The typed client of admin-api: every path, body and answer type comes from its OpenAPI document. The access token
 * is attached from memory; a 401 on an expired token renews it once through the cookie and repeats the call.
 */
export function createApi(tokens: TokenSource, baseUrl = API_BASE, fetchImpl: typeof fetch = (...a) => globalThis.fetch(...a)) {
  const authedFetch = async (input: Request): Promise<Response> => {
    const retry = input.clone();
    const token = tokens.current();
    if (token) input.headers.set("Authorization", `Bearer ${token}`);
    const res = await fetchImpl(input);
    // The session routes answer 401 for their own reasons (wrong password, spent cookie): never retried.
    const authPath = `${new URL(baseUrl, input.url).pathname.replace(/\/$/, "")}/auth/`;
    if (res.status !== 401 || !token || new URL(input.url).pathname.startsWith(authPath)) return res;
    const renewed = await tokens.renew();
    if (!renewed) return res;
    retry.headers.set("Authorization", `Bearer ${renewed}`);
    return fetchImpl(retry);
  };
  return createClient<paths>({ baseUrl, fetch: authedFetch });
}

export type Api = ReturnType<typeof createApi>;
