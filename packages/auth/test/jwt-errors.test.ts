import { createHmac, createSecretKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { tokenErrorFromJwt } from "../src/jwt-errors.ts";
import { TokenError, type TokenErrorCode } from "../src/token-error.ts";

// Each jsonwebtoken failure is provoked through the real library, so a release that rewords a message breaks this
// test instead of quietly turning a precise code into token_malformed.

const SECRET = createSecretKey(Buffer.from("jwt-errors-secret-0123456789abcdefghij"));
const OTHER_SECRET = createSecretKey(Buffer.from("another-secret-0123456789abcdefghijklmn"));
const NOW_S = 1_772_445_600;
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

function hs256Token(payload: unknown, header: unknown = { alg: "HS256", typ: "JWT" }): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

function provoke(token: unknown, key: KeyObject | string, options: jwt.VerifyOptions = {}): unknown {
  try {
    jwt.verify(token as string, key, { clockTimestamp: NOW_S, ...options });
  } catch (err) {
    return err;
  }
  throw new Error("jsonwebtoken accepted the token");
}

function expectMapped(err: unknown, code: TokenErrorCode): void {
  const mapped = tokenErrorFromJwt(err);
  expect(mapped).toBeInstanceOf(TokenError);
  expect(mapped.code).toBe(code);
  expect(mapped.cause).toBe(err);
}

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const HS = { algorithms: ["HS256" as const] };
const valid = { sub: "s", iat: NOW_S, exp: NOW_S + 60, aud: "admin-api", iss: "cleanops" };

describe("tokenErrorFromJwt maps every jsonwebtoken 9 error to its own code", () => {
  it.each<[string, () => unknown, TokenErrorCode]>([
    ["jwt must be provided", () => provoke("", SECRET, HS), "token_missing"],
    ["jwt must be a string", () => provoke(42, SECRET, HS), "token_malformed"],
    ["jwt malformed", () => provoke("a.b", SECRET, HS), "token_malformed"],
    ["invalid token", () => provoke("a.b.c", SECRET, HS), "token_malformed"],
    ["invalid signature", () => provoke(jwt.sign(valid, OTHER_SECRET), SECRET, HS), "token_bad_signature"],
    ["jwt signature is required", () => provoke(`${hs256Token(valid).split(".", 2).join(".")}.`, SECRET, HS), "token_bad_signature"],
    ["invalid algorithm", () => provoke(jwt.sign(valid, SECRET, { algorithm: "HS512" }), SECRET, HS), "token_algorithm_refused"],
    ['please specify "none"', () => provoke(`${b64url({ alg: "none" })}.${b64url(valid)}.`, ""), "token_algorithm_refused"],
    ["must be a symmetric key", () => provoke(hs256Token(valid), publicKey, { algorithms: ["HS256"] }), "token_algorithm_refused"],
    [
      "must be an asymmetric key",
      () => provoke(jwt.sign(valid, privateKey, { algorithm: "RS256" }), SECRET, { algorithms: ["RS256"] }),
      "token_algorithm_refused",
    ],
    ["jwt audience invalid", () => provoke(hs256Token(valid), SECRET, { ...HS, audience: "worker-portal" }), "token_wrong_audience"],
    ["jwt issuer invalid", () => provoke(hs256Token(valid), SECRET, { ...HS, issuer: "other" }), "token_wrong_issuer"],
    ["invalid nbf value", () => provoke(hs256Token({ ...valid, nbf: "x" }), SECRET, HS), "token_invalid_claims"],
    ["invalid exp value", () => provoke(hs256Token({ ...valid, exp: "x" }), SECRET, HS), "token_invalid_claims"],
    ["jwt subject invalid", () => provoke(hs256Token(valid), SECRET, { ...HS, subject: "t" }), "token_invalid_claims"],
    ["jwt jwtid invalid", () => provoke(hs256Token(valid), SECRET, { ...HS, jwtid: "j" }), "token_invalid_claims"],
    ["jwt nonce invalid", () => provoke(hs256Token(valid), SECRET, { ...HS, nonce: "n" }), "token_invalid_claims"],
    [
      "iat required when maxAge",
      () => provoke(hs256Token({ ...valid, iat: undefined }), SECRET, { ...HS, maxAge: 60 }),
      "token_invalid_claims",
    ],
    ["TokenExpiredError", () => provoke(hs256Token({ ...valid, exp: NOW_S }), SECRET, HS), "token_expired"],
    ["maxAge exceeded", () => provoke(hs256Token({ ...valid, iat: NOW_S - 61 }), SECRET, { ...HS, maxAge: 60 }), "token_expired"],
    ["NotBeforeError", () => provoke(hs256Token({ ...valid, nbf: NOW_S + 1 }), SECRET, HS), "token_not_yet_valid"],
  ])("%s", (expectedMessage, provokeIt, code) => {
    const err = provokeIt();
    expect(err).toBeInstanceOf(jwt.JsonWebTokenError);
    if (!expectedMessage.endsWith("Error")) expect((err as Error).message).toContain(expectedMessage);
    expectMapped(err, code);
  });

  it("'secret or public key must be provided' (a ring that yielded no key) is token_unknown_key", () => {
    const err = new jwt.JsonWebTokenError("secret or public key must be provided");
    expectMapped(err, "token_unknown_key");
  });

  it("refuses, as token_malformed, an error it does not know rather than letting anything through", () => {
    expectMapped(new jwt.JsonWebTokenError("some future message"), "token_malformed");
    expectMapped(new TypeError("boom"), "token_malformed");
  });

  it("passes a TokenError through unchanged", () => {
    const err = new TokenError("token_unknown_key");
    expect(tokenErrorFromJwt(err)).toBe(err);
  });
});
