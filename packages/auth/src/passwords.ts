import { hash, verify, type Options } from "@node-rs/argon2";

/**
 * OWASP's argon2id baseline: 19 MiB of memory, 2 passes, 1 lane. `algorithm` is the value of the package's
 * `Algorithm.Argon2id`: it is a `const enum` in a declaration file, which isolated modules (and Node's type
 * stripping) cannot inline, so the number is written here.
 */
const ARGON2ID = 2;
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new RangeError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (unknown user, or no password set) it still spends one
 * argon2 verification, so the answer takes the same time whether or not the account exists. The parameters come from
 * the stored PHC string, so hashes made with other parameters (or by the former `argon2` package) still verify.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash("timing-equaliser-not-a-password", OPTIONS);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
