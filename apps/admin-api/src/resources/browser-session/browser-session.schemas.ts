import { z } from "zod";
import { OrgRequired, Session } from "../auth/auth.schemas.ts";

/** A browser sign-in's answer: the access token only; the refresh token went into the HttpOnly cookie. */
export const BrowserSession = Session.omit({ refresh_token: true }).meta({ id: "BrowserSession" });

export const BrowserLoginAnswer = z.union([BrowserSession, OrgRequired]);
