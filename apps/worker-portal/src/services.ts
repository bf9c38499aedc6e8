import type { KeyRing } from "@cleanops/auth";
import type { ObjectStorage } from "@cleanops/storage";
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Logger } from "pino";
import type { WorkerAccess } from "./auth/worker-access.ts";

/** What the routers of worker-portal share; built once by `createApp`. */
export type WorkerServices = {
  orm: MikroORM;
  logger: Logger;
  keyRing: KeyRing;
  storage: ObjectStorage;
  /** The clock of token expiry, throttling windows, invitations and "today" (injected in tests). */
  now: () => Date;
  accessTokenTtlSeconds: number;
  cookieSecure: boolean;
  /** The route guard and the request context accessor. */
  access: WorkerAccess;
};
