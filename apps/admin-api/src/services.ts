import type { KeyRing } from "@cleanops/auth";
import type { OutboxSender } from "@cleanops/mail";
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Logger } from "pino";
import type { StaffAccess } from "./authz/staff-access.ts";

/** What the domain routers of admin-api share; built once by `createApp`. */
export type AdminServices = {
  orm: MikroORM;
  logger: Logger;
  keyRing: KeyRing;
  /** The clock of every expiry and throttling window (injected in tests). */
  now: () => Date;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** The base URL of public-invoices (no trailing slash): invoice links are `${publicInvoicesUrl}/i/${token}`. */
  publicInvoicesUrl: string;
  /** The base URL of the staff web app (no trailing slash): account-mail links point there. */
  webAppUrl: string;
  /** Mail: queued in `mail_outbox` in the change's transaction, then `outbox.kick()` after commit. */
  outbox: OutboxSender;
  /** A real mail server is configured: secrets (invitation tokens) travel only by mail, never in a response. */
  mailDelivered: boolean;
  /** The route guards and the request context accessor. */
  access: StaffAccess;
};
