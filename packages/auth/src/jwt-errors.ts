import jwt from "jsonwebtoken";
import { TokenError, type TokenErrorCode } from "./token-error.ts";

/**
 * jsonwebtoken 9 reports most failures as a bare JsonWebTokenError told apart only by its message, so the messages
 * are matched one by one (verify.js of 9.0.x). test/jwt-errors.test.ts provokes each of them through the real library,
 * so an upgrade that rewords one fails there instead of silently changing a code.
 */
const BY_MESSAGE: ReadonlyArray<readonly [match: (message: string) => boolean, code: TokenErrorCode]> = [
  [(m) => m === "jwt must be provided", "token_missing"],
  [(m) => m === "jwt must be a string", "token_malformed"],
  [(m) => m === "jwt malformed", "token_malformed"],
  [(m) => m === "invalid token", "token_malformed"],
  [(m) => m === "invalid signature", "token_bad_signature"],
  [(m) => m === "jwt signature is required", "token_bad_signature"],
  [(m) => m === "invalid algorithm", "token_algorithm_refused"],
  [(m) => m.startsWith('please specify "none"'), "token_algorithm_refused"],
  [(m) => m.startsWith("secretOrPublicKey must be a symmetric key"), "token_algorithm_refused"],
  [(m) => m.startsWith("secretOrPublicKey must be an asymmetric key"), "token_algorithm_refused"],
  [(m) => m === "secret or public key must be provided", "token_unknown_key"],
  [(m) => m.startsWith("jwt audience invalid"), "token_wrong_audience"],
  [(m) => m.startsWith("jwt issuer invalid"), "token_wrong_issuer"],
  [(m) => m === "invalid nbf value", "token_invalid_claims"],
  [(m) => m === "invalid exp value", "token_invalid_claims"],
  [(m) => m.startsWith("jwt subject invalid"), "token_invalid_claims"],
  [(m) => m.startsWith("jwt jwtid invalid"), "token_invalid_claims"],
  [(m) => m.startsWith("jwt nonce invalid"), "token_invalid_claims"],
  [(m) => m.startsWith("iat required when maxAge"), "token_invalid_claims"],
];

/** Turns whatever `jwt.verify` threw into a TokenError; the original stays as `cause`. */
export function tokenErrorFromJwt(err: unknown): TokenError {
  if (err instanceof TokenError) return err;
  // Subclasses first: both extend JsonWebTokenError.
  if (err instanceof jwt.TokenExpiredError) return new TokenError("token_expired", { cause: err });
  if (err instanceof jwt.NotBeforeError) return new TokenError("token_not_yet_valid", { cause: err });
  if (err instanceof jwt.JsonWebTokenError) {
    const hit = BY_MESSAGE.find(([match]) => match(err.message));
    if (hit) return new TokenError(hit[1], { cause: err });
  }
  // Anything unforeseen (a reworded message, an error from jws on hostile input) is still a refusal, never a pass;
  // `cause` keeps the original for whoever reads the logs.
  return new TokenError("token_malformed", { cause: err });
}
