import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyRing } from "@cleanops/auth";
import { forbidden } from "@cleanops/http";
import type { Request, Response } from "express";
import { readCookie } from "../auth/session-cookie.ts";

export const CSRF_COOKIE = "wp_csrf";
export const CSRF_FIELD = "_csrf";

/**
 * Double-submit, signed: the browser holds a random value in a cookie, every form carries HMAC(key, value). A forged
 * cross-site form can send the cookie but cannot read it to compute the field, and a cookie planted by a sibling
 * site is useless without the server's key. The key is derived from the JWT ring's current secret.
 */
export function csrfProtection(keyRing: KeyRing, options: { secure: boolean }) {
  const key = createHmac("sha256", keyRing.current.secret).update("worker-portal csrf").digest();
  const sign = (value: string) => createHmac("sha256", key).update(value).digest("base64url");

  return {
    /** The token for this browser's forms, setting its cookie when it has none yet. */
    tokenFor(req: Request, res: Response): string {
      let value = readCookie(req, CSRF_COOKIE);
      if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
        value = randomBytes(32).toString("base64url");
        res.cookie(CSRF_COOKIE, value, { httpOnly: true, secure: options.secure, sameSite: "lax", path: "/" });
      }
      return sign(value);
    },
    /** Throws 403 `forbidden` unless `submitted` is the token of this browser's cookie. */
    check(req: Request, submitted: unknown): void {
      const value = readCookie(req, CSRF_COOKIE);
      if (!value || typeof submitted !== "string") throw forbidden("The form has expired or was not sent from this site; reload the page.");
      const expected = Buffer.from(sign(value));
      const got = Buffer.from(submitted);
      if (expected.length !== got.length || !timingSafeEqual(expected, got)) {
        throw forbidden("The form has expired or was not sent from this site; reload the page.");
      }
    },
  };
}

export type CsrfProtection = ReturnType<typeof csrfProtection>;
