import { randomUUID } from "node:crypto";
import { signWebhookPayload } from "@cleanops/payments";
import { CROSS_ORG_CASES } from "../../../../apps/admin-api/test/cross-org.test-cases.ts";
import type { AppName } from "./three-apps.ts";
import { WEBHOOK_SECRET } from "./three-apps.ts";

/** The org whose rows a call aims at: one real row of every resource (`rows`), made through the apps. */
export type Victim = { orgId: string; slug: string; rows: Record<string, string> };

/** Who calls, from the other org: a principal name, its bearer token (if any) and its sign-in credentials. */
export type Caller = {
  principal: string;
  orgId: string;
  token: string | undefined;
  staff: { email: string; password: string };
  worker: { email: string; password: string };
};

/** One call aimed at the victim's rows; `expect` overrides the status the matrix expects of every principal. */
export type ExampleCall = {
  path: string;
  body?: object;
  /** A body sent as these exact bytes (a signed webhook), with its content type. */
  raw?: { contentType: string; text: string };
  headers?: Record<string, string>;
  expect?: number;
  /**
   * A sign-in route behind a per-IP failure limit: the matrix repeats the same refused attempt for every principal
   * from one address, so after a few the limit answers 429 instead of 401 — a refusal too (noted in the findings).
   */
  throttled?: true;
  /** Why a 2xx is right here (the answer has no effect on the victim; the checksums prove it). */
  why2xx?: string;
};

export type Example = (victim: Victim, me: Caller) => ExampleCall;

/**
 * Where the matrix finds how to aim a route at the other org. A route that takes an id (in its path, or an id-named
 * or uuid field in its body) and has no example here fails the suite, naming it. Adding one is one line:
 *
 * - admin-api: add the route to `apps/admin-api/test/cross-org.test-cases.ts` (CROSS_ORG_CASES) — admin-api's own
 *   contract test already requires it there, and the matrix reads that table. ADMIN_API_EXTRA is for what the
 *   matrix alone needs.
 * - worker-portal and public-invoices: a line in the table below, keyed `METHOD /express/:path`.
 */
const ADMIN_API_EXTRA: Record<string, Example> = {};

/** A credential that is not a link of this caller's own: their bearer token, else the victim's link and invoice ids. */
const notALink = (v: Victim, me: Caller) => (me.principal === "link" || !me.token ? (v.rows.link ?? "") : me.token);

const WORKER_PORTAL: Record<string, Example> = {
  // Valid credentials of the caller's worker, the victim's org slug: no such worker there.
  "POST /auth/login": (v, me) => ({ path: "/auth/login", body: { org: v.slug, ...me.worker }, expect: 401, throttled: true }),
  "GET /jobs/:id": (v) => ({ path: `/jobs/${v.rows.job}` }),
  "POST /jobs/:id/start": (v) => ({ path: `/jobs/${v.rows.job}/start` }),
  "POST /jobs/:id/checklist/:item_id": (v) => ({ path: `/jobs/${v.rows.job}/checklist/${v.rows.item}`, body: { checked: true } }),
  "POST /jobs/:id/finish": (v) => ({ path: `/jobs/${v.rows.job}/finish` }),
  "POST /jobs/:id/photos": (v) => ({ path: `/jobs/${v.rows.job}/photos`, body: {} }),
  "GET /photos/:id": (v) => ({ path: `/photos/${v.rows.photo}` }),
};

const PUBLIC_INVOICES: Record<string, Example> = {
  "GET /i/:token": (v, me) => ({ path: `/i/${notALink(v, me)}` }),
  "GET /i/:token/pdf": (v, me) => ({ path: `/i/${notALink(v, me)}/pdf` }),
  "POST /i/:token/pay": (v, me) => ({ path: `/i/${notALink(v, me)}/pay` }),
  "GET /checkout/local/:session": (v) => ({ path: `/checkout/local/${v.rows.invoice}` }),
  "POST /checkout/local/:session": (v) => ({ path: `/checkout/local/${v.rows.invoice}`, body: { card_number: "4242424242424242" } }),
  // A correctly signed event that pays the victim's invoice in the caller's org: Stripe must get its 2xx, and
  // nothing of the victim may change (the event's org and invoice must agree, or it is ignored).
  "POST /webhooks/stripe": (v, me) => {
    const id = `evt_matrix_${randomUUID()}`;
    const text = JSON.stringify({
      id,
      object: "event",
      type: "checkout.session.completed",
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: `cs_${id}`,
          object: "checkout.session",
          payment_status: "paid",
          amount_total: 1,
          currency: "eur",
          payment_intent: `pi_${id}`,
          metadata: { org_id: me.orgId, invoice_id: v.rows.invoice },
        },
      },
    });
    return {
      path: "/webhooks/stripe",
      raw: { contentType: "application/json", text },
      headers: { "stripe-signature": signWebhookPayload(text, WEBHOOK_SECRET, Math.floor(Date.now() / 1000)) },
      expect: 200,
      why2xx: "a verified event is acknowledged; one naming another org's invoice changes nothing there",
    };
  },
};

function adminApiExample(key: string): Example | undefined {
  const extra = ADMIN_API_EXTRA[key];
  if (extra) return extra;
  const make = CROSS_ORG_CASES[key];
  if (!make) return undefined;
  return (v, me) => {
    const call = make(v.rows, me.staff);
    return { path: call.path, ...(call.body ? { body: call.body } : {}), ...(call.expect ? { expect: call.expect.status } : {}) };
  };
}

export function exampleFor(app: AppName, key: string): Example | undefined {
  if (app === "admin-api") return adminApiExample(key);
  return (app === "worker-portal" ? WORKER_PORTAL : PUBLIC_INVOICES)[key];
}

/**
 * What a list or search filter names, as a key of the victim's rows. A filter missing here fails the suite, naming
 * the route and the parameter (one line to add).
 */
export const FILTER_ROWS: Record<string, string> = {
  client_id: "client",
  team_id: "team",
  booking_id: "booking",
  invoice_id: "invoice",
  entity_id: "booking",
  actor_user_id: "ownerUser",
};
