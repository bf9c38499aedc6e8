import { readTransaction } from "@cleanops/db";
import { isAppError, type AppError } from "@cleanops/http";
import express, { Router, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import { verifyWorkerCredentials } from "../auth/credentials.ts";
import { workerSession } from "../auth/session.ts";
import { clearSessionCookie, setSessionCookie } from "../auth/session-cookie.ts";
import type { WorkerAccess } from "../auth/worker-access.ts";
import { publicContext, workerContext, type WorkerContext } from "../kernel/context.ts";
import { acceptInvite, findInvitedWorker } from "../resources/auth/auth.actions.ts";
import { InviteBody, LoginBody } from "../resources/auth/auth.schemas.ts";
import { finishJob, getMyJob, listMyJobs, startJob, tickItem } from "../resources/jobs/jobs.actions.ts";
import { teamTimeZone } from "../resources/jobs/jobs.queries.ts";
import { ChecklistItemParams, JobParams } from "../resources/jobs/jobs.schemas.ts";
import { uploadPhoto } from "../resources/photos/photos.actions.ts";
import type { WorkerServices } from "../services.ts";
import { CSRF_FIELD, csrfProtection } from "./csrf.ts";
import type { SafeHtml } from "./html.ts";
import { CSS, invitePage, jobPage, jobsPage, loginPage, messagePage, type TimeFormat } from "./pages.ts";

/** Form posts are small: a sign-in, a tick with a note. */
const FORM_LIMIT = "16kb";

const TickForm = z.object({ checked: z.enum(["true", "false"]).transform((v) => v === "true"), note: z.string().max(1000).optional() });

function send(res: Response, status: number, body: SafeHtml): void {
  res.status(status).type("html").set("Cache-Control", "no-store").send(body.value);
}

/** A form field as typed text ("" when absent or not a string): it is only echoed back into the form, escaped. */
const field = (raw: Record<string, unknown>, name: string): string => {
  const v = raw[name];
  return typeof v === "string" ? v.slice(0, 512) : "";
};

const formError = (err: unknown): AppError | undefined => (isAppError(err) && err.status < 500 ? err : undefined);

/**
 * The pages of the portal: server-rendered, no script, usable on a 360-px screen. They call the same actions as the
 * JSON API. Every POST checks the CSRF token first (403 without it); signed-in pages read the session cookie and send
 * a signed-out browser to /login.
 */
export function webRouter(services: WorkerServices, access: WorkerAccess): Router {
  const router = Router();
  const csrf = csrfProtection(services.keyRing, { secure: services.cookieSecure });
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 20 });
  const checkCsrf: RequestHandler = (req, _res, next) => {
    csrf.check(req, (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD]);
    next();
  };
  const guard = access.require("jobs.work");
  // A signed-out (or deactivated) browser goes to the sign-in page instead of reading a JSON 401.
  const signedIn: RequestHandler = async (req, res, next) => {
    try {
      await guard(req, res, () => undefined);
    } catch (err) {
      if (isAppError(err) && err.status === 401) {
        clearSessionCookie(res, { secure: services.cookieSecure });
        res.redirect(303, "/login");
        return;
      }
      throw err;
    }
    next();
  };
  const ctxOf = (req: Request, res: Response) => workerContext(services, access, req, res);
  const layoutOf = (ctx: WorkerContext, req: Request, res: Response) => ({
    name: ctx.worker.name,
    orgName: ctx.worker.orgName,
    csrf: csrf.tokenFor(req, res),
  });
  const timeFormat = async (ctx: WorkerContext): Promise<TimeFormat> => {
    const timeZone = ctx.worker.teamId ? await teamTimeZone(ctx.em, ctx.worker.teamId) : "UTC";
    const f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    return (iso) => f.format(new Date(iso));
  };

  router.get("/assets/app.css", (_req, res) => {
    res.type("text/css").set("Cache-Control", "public, max-age=3600").send(CSS);
  });

  // Browsers ask for it on every first visit; no icon yet, and a 404 would fill every log.
  router.get("/favicon.ico", (_req, res) => {
    res.set("Cache-Control", "public, max-age=86400").status(204).end();
  });

  router.get("/login", (req, res) => {
    const org = typeof req.query.org === "string" ? req.query.org.slice(0, 63) : "";
    send(res, 200, loginPage({ csrf: csrf.tokenFor(req, res), org }));
  });

  router.post("/login", form, checkCsrf, async (req, res) => {
    const raw = req.body as Record<string, unknown>;
    const parsed = LoginBody.safeParse(raw);
    const retry = (status: number, error: string) =>
      send(res, status, loginPage({ csrf: csrf.tokenFor(req, res), org: field(raw, "org"), email: field(raw, "email"), error }));
    if (!parsed.success) return retry(400, "Fill in your company code, email and password.");
    const ctx = publicContext(services, req);
    try {
      const verified = await verifyWorkerCredentials({ orm: services.orm, logger: services.logger, now: ctx.now }, parsed.data, ctx.meta);
      const session = workerSession(verified, { keyRing: services.keyRing, ttlSeconds: services.accessTokenTtlSeconds, now: ctx.now });
      setSessionCookie(res, session.access_token, { secure: services.cookieSecure, maxAgeSeconds: services.accessTokenTtlSeconds });
      res.redirect(303, "/");
    } catch (err) {
      const known = formError(err);
      if (!known) throw err;
      if (known.headers["Retry-After"]) res.set("Retry-After", known.headers["Retry-After"]);
      retry(
        known.status,
        known.status === 429 ? "Too many failed attempts. Wait a few minutes and try again." : "Wrong company code, email or password.",
      );
    }
  });

  router.post("/logout", form, checkCsrf, (_req, res) => {
    clearSessionCookie(res, { secure: services.cookieSecure });
    res.redirect(303, "/login");
  });

  router.get("/invite", async (req, res) => {
    const org = typeof req.query.org === "string" ? req.query.org : "";
    const token = typeof req.query.token === "string" ? req.query.token : "";
    try {
      const { worker } = await findInvitedWorker(publicContext(services, req), org, token);
      send(res, 200, invitePage({ csrf: csrf.tokenFor(req, res), org, token, name: worker.name }));
    } catch (err) {
      const known = formError(err);
      if (!known) throw err;
      send(res, known.status, messagePage("Invitation", known.message));
    }
  });

  // The form of GET /invite; a JSON body goes on to the API route of the same path.
  router.post("/invite", (req, _res, next) => next(req.is("application/x-www-form-urlencoded") ? undefined : "router"));
  router.post("/invite", form, checkCsrf, async (req, res) => {
    const raw = req.body as Record<string, unknown>;
    const parsed = InviteBody.safeParse(raw);
    const org = field(raw, "org");
    const token = field(raw, "token");
    if (!parsed.success) {
      send(res, 400, invitePage({ csrf: csrf.tokenFor(req, res), org, token, error: "Choose a password of at least 12 characters." }));
      return;
    }
    try {
      const session = await acceptInvite(publicContext(services, req), parsed.data);
      setSessionCookie(res, session.access_token, { secure: services.cookieSecure, maxAgeSeconds: services.accessTokenTtlSeconds });
      res.redirect(303, "/");
    } catch (err) {
      const known = formError(err);
      if (!known) throw err;
      send(res, known.status, messagePage("Invitation", known.message));
    }
  });

  router.get("/", signedIn, async (req, res) => {
    const ctx = ctxOf(req, res);
    // The page's reads in one read transaction of the worker's org, as the JSON API's GET routes (kernel/mount.ts).
    const page = await readTransaction(ctx.em, async (em) => {
      const read = { ...ctx, em };
      return { items: (await listMyJobs(read)).items, time: await timeFormat(read) };
    });
    send(res, 200, jobsPage({ signedIn: layoutOf(ctx, req, res), jobs: page.items, time: page.time }));
  });

  const showJob = async (req: Request, res: Response, id: string, status = 200, error?: string) => {
    const ctx = ctxOf(req, res);
    const job = await getMyJob(ctx, id);
    send(res, status, jobPage({ signedIn: layoutOf(ctx, req, res), job, time: await timeFormat(ctx), error }));
  };

  router.get("/jobs/:id/view", signedIn, async (req, res) => {
    await showJob(req, res, JobParams.parse(req.params).id);
  });

  // Runs a page's action; a refusal the worker can fix (409: unticked items) re-renders the job with its message.
  const jobAction =
    (act: (ctx: WorkerContext, req: Request) => Promise<unknown>): RequestHandler =>
    async (req, res) => {
      const { id } = JobParams.parse({ id: req.params.id });
      try {
        await act(ctxOf(req, res), req);
      } catch (err) {
        const known = formError(err);
        if (!known || known.status === 404 || known.status === 403) throw err;
        await showJob(req, res, id, known.status, known.message);
        return;
      }
      res.redirect(303, `/jobs/${id}/view`);
    };

  router.post(
    "/jobs/:id/view/start",
    form,
    checkCsrf,
    signedIn,
    jobAction((ctx, req) => startJob(ctx, JobParams.parse(req.params).id)),
  );
  router.post(
    "/jobs/:id/view/finish",
    form,
    checkCsrf,
    signedIn,
    jobAction((ctx, req) => finishJob(ctx, JobParams.parse(req.params).id)),
  );
  router.post(
    "/jobs/:id/view/checklist/:item_id",
    form,
    checkCsrf,
    signedIn,
    jobAction((ctx, req) => {
      const { id, item_id } = ChecklistItemParams.parse(req.params);
      const body = TickForm.parse(req.body);
      return tickItem(ctx, id, item_id, { checked: body.checked, ...(body.note === undefined ? {} : { note: body.note.trim() }) });
    }),
  );
  // Multipart: the CSRF field is read before the file (the form puts it first), before a byte is stored.
  router.post(
    "/jobs/:id/view/photos",
    signedIn,
    jobAction((ctx, req) => {
      const checked: WorkerContext = {
        ...ctx,
        upload: (spec) => ctx.upload({ ...spec, checkFields: (fields) => csrf.check(req, fields.get(CSRF_FIELD)) }),
      };
      return uploadPhoto(checked, JobParams.parse(req.params).id);
    }),
  );

  return router;
}
