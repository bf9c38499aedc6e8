import { isIP } from "node:net";
import type { EntityManager } from "@mikro-orm/postgresql";

// One module for every sign-in form (admin-api's staff, worker-portal's workers), so the limits cannot drift apart.
// The key is an email for staff and a namespaced `worker:<org id>:<email>` for workers: the two never share a count.

/**
 * The lock-out policy. A password guesser is bounded, but an attacker cannot lock the real owner out:
 *
 * - per (account, client): 10 failures in 15 minutes block that account from that client (IPv4 address or IPv6
 *   /64), so ten wrong passwords from elsewhere do not touch the owner's own client;
 * - per client: 30 failures in 15 minutes, on any accounts, block the client (password spraying; a shared office NAT
 *   still gets some room);
 * - per account, from all clients together (the slower global ceiling): from the 10th failure since the account's
 *   last success, each further attempt from a client that never signed in to it must wait a delay doubling with
 *   every failure (1 s, 2 s, 4 s … at most 15 minutes), and 100 failures in 24 hours stop such clients altogether. A
 *   client that signed in to the account within 30 days is exempt from this ceiling (only the per-pair limit holds
 *   it), and a password reset counts as a success, so a verified reset link always gets the owner back in.
 *
 * Every count restarts at the account's last success (the owner proved the password; an attacker never can), except
 * the per-client one: an attacker with one valid account must not be able to reset the client's count.
 */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;
export const THROTTLE_MAX_FAILURES = 10;
export const THROTTLE_MAX_FAILURES_PER_IP = 30;
export const GLOBAL_DELAY_FROM_FAILURES = 10;
export const GLOBAL_MAX_DELAY_SECONDS = 15 * 60;
export const GLOBAL_MAX_FAILURES = 100;
export const GLOBAL_WINDOW_SECONDS = 24 * 60 * 60;
/** A client with a success on the account this recently is "known" to it and exempt from the global ceiling. */
export const KNOWN_CLIENT_SECONDS = 30 * 24 * 60 * 60;
/** Failures older than this are pruned as they are written (the audit log keeps the history); successes live longer. */
export const ATTEMPT_RETENTION_SECONDS = GLOBAL_WINDOW_SECONDS;

export type ThrottleState =
  { blocked: false } | { blocked: true; retryAfterSeconds: number; by: "email" | "ip" | "email_global" | "email_delay" };

/**
 * The key a client is counted under: an IPv4 address as is (an IPv4-mapped IPv6 address as its IPv4), an IPv6
 * address as its /64 network, since one subscriber is handed a whole /64 and could otherwise rotate addresses
 * freely. Anything else (no address) is null.
 */
export function clientKey(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] && isIP(mapped[1]) === 4) return mapped[1];
  const kind = isIP(ip);
  if (kind === 4) return ip;
  if (kind !== 6) return null;
  return `${ipv6Groups(ip).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, `::` expanded, an embedded IPv4 tail converted). */
function ipv6Groups(ip: string): string[] {
  let addr = ip.split("%")[0] ?? ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    addr = `${addr.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = addr.split("::");
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => "0");
  return [...left, ...fill, ...right].map((g) => (parseInt(g, 16) || 0).toString(16));
}

// Epoch seconds (the ORM's connection hands timestamps back as strings).
type Row = {
  pair_failures: number;
  pair_tenth: number | null;
  ip_failures: number;
  ip_oldest: number | null;
  global_failures: number;
  global_oldest: number | null;
  last_failure: number | null;
  known: boolean;
};

/** A row of 0052's `login_throttle_state`: the app role has no grant on login_attempts itself. */
const STATE_SQL = `select * from login_throttle_state(?, ?::inet, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?, ?, ?)`;

export async function throttleState(em: EntityManager, key: { email: string; ip: string | null }, now: Date): Promise<ThrottleState> {
  const ip = clientKey(key.ip);
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const values = [
    key.email,
    ip,
    ago(THROTTLE_WINDOW_SECONDS),
    ago(GLOBAL_WINDOW_SECONDS),
    ago(KNOWN_CLIENT_SECONDS),
    THROTTLE_MAX_FAILURES,
    GLOBAL_MAX_FAILURES,
    THROTTLE_MAX_FAILURES_PER_IP,
  ];
  const [row] = await em.getConnection().execute<Row[]>(STATE_SQL, values, "all", em.getTransactionContext());
  if (!row) return { blocked: false };
  const nowSeconds = now.getTime() / 1000;
  const until = (oldest: number | null, window: number) => (oldest === null ? 1 : Math.max(1, Math.ceil(oldest + window - nowSeconds)));

  const refusals: Array<{ by: "email" | "ip" | "email_global" | "email_delay"; retryAfterSeconds: number }> = [];
  if (row.pair_failures >= THROTTLE_MAX_FAILURES)
    refusals.push({ by: "email", retryAfterSeconds: until(row.pair_tenth, THROTTLE_WINDOW_SECONDS) });
  if (row.ip_failures >= THROTTLE_MAX_FAILURES_PER_IP)
    refusals.push({ by: "ip", retryAfterSeconds: until(row.ip_oldest, THROTTLE_WINDOW_SECONDS) });
  if (!row.known) {
    if (row.global_failures >= GLOBAL_MAX_FAILURES) {
      refusals.push({ by: "email_global", retryAfterSeconds: until(row.global_oldest, GLOBAL_WINDOW_SECONDS) });
    } else if (row.global_failures >= GLOBAL_DELAY_FROM_FAILURES && row.last_failure !== null) {
      const delay = Math.min(2 ** (row.global_failures - GLOBAL_DELAY_FROM_FAILURES), GLOBAL_MAX_DELAY_SECONDS);
      const wait = row.last_failure + delay - nowSeconds;
      if (wait > 0) refusals.push({ by: "email_delay", retryAfterSeconds: Math.max(1, Math.ceil(wait)) });
    }
  }
  const worst = refusals.sort((a, b) => b.retryAfterSeconds - a.retryAfterSeconds)[0];
  return worst ? { blocked: true, ...worst } : { blocked: false };
}

/**
 * Checks the throttle and, unless blocked, counts this attempt as a failure at once, under per-email and per-client
 * advisory locks: concurrent attempts queue for the check, so a burst cannot slip past the limit while passwords are
 * being verified. Returns the attempt's id, to be marked a success (`markSucceeded`) if the password proves right.
 * Also prunes this email's and this client's attempts past the retention.
 */
export async function admitAttempt(
  em: EntityManager,
  key: { email: string; ip: string | null },
  now: Date,
): Promise<{ blocked: true; state: ThrottleState & { blocked: true } } | { blocked: false; attemptId: string }> {
  const ip = clientKey(key.ip);
  return em.transactional(async (tx) => {
    // Always email before IP, so two attempts never wait on each other's second lock.
    await tx
      .getConnection()
      .execute(`select pg_advisory_xact_lock(hashtext('login:email:' || ?))`, [key.email], "all", tx.getTransactionContext());
    if (ip !== null) {
      await tx.getConnection().execute(`select pg_advisory_xact_lock(hashtext('login:ip:' || ?))`, [ip], "all", tx.getTransactionContext());
    }
    const state = await throttleState(tx, { email: key.email, ip }, now);
    if (state.blocked) return { blocked: true, state };
    const attemptId = await recordAttempt(tx, { email: key.email, ip }, false, now);
    await prune(tx, { email: key.email, ip }, now);
    return { blocked: false, attemptId };
  });
}

/** One attempt written through 0052's `login_attempt_record` (the app role cannot touch the table); its id. */
async function recordAttempt(em: EntityManager, key: { email: string; ip: string | null }, succeeded: boolean, at: Date): Promise<string> {
  const [row] = await em
    .getConnection()
    .execute<Array<{ id: string }>>(
      `select login_attempt_record(?, ?::inet, ?, ?::timestamptz) as id`,
      [key.email, key.ip, succeeded, at],
      "all",
      em.getTransactionContext(),
    );
  if (!row) throw new Error("login_attempt_record returned no id");
  return row.id;
}

/**
 * Drops this email's and this client's attempts past the retention (failures after ATTEMPT_RETENTION_SECONDS,
 * anything after KNOWN_CLIENT_SECONDS): 0052's `login_attempts_prune` holds the same two durations, and never prunes
 * past the database's own clock.
 */
async function prune(em: EntityManager, key: { email: string; ip: string | null }, now: Date): Promise<void> {
  await em
    .getConnection()
    .execute(`select login_attempts_prune(?, ?::inet, ?::timestamptz)`, [key.email, key.ip, now], "all", em.getTransactionContext());
}

/** The password proved right: the admitted attempt counts as a success (which resets the email's counts). */
export async function markSucceeded(em: EntityManager, attemptId: string): Promise<void> {
  await em.getConnection().execute(`select login_attempt_succeeded(?)`, [attemptId], "all", em.getTransactionContext());
}

/**
 * The owner proved control of the address another way (a password reset link): recorded as a success for the
 * account, so its failure counts restart and the client that used the link becomes known to it.
 */
export async function recordProvenAccess(em: EntityManager, key: { email: string; ip: string | null }, now: Date): Promise<void> {
  await recordAttempt(em, { email: key.email, ip: clientKey(key.ip) }, true, now);
}

export const SIGN_UP_MAX_PER_CLIENT = 10;
export const SIGN_UP_WINDOW_SECONDS = 60 * 60;

/**
 * Public actions limited per client (IPv4 address or IPv6 /64), at most 10 an hour each: a sign-up creates an account
 * and spends an argon2 hash (a burst from one address would squat addresses and starve the CPU); a password-reset
 * request sends a mail. Counted in `login_attempts` as successes under a key no account has (no `@`), so they never
 * add to sign-in's per-client failure count. Without an address, not limited.
 */
export type ClientAction = "sign-up" | "password-reset";

export async function admitClientAction(
  em: EntityManager,
  action: ClientAction,
  ip: string | null,
  now: Date,
): Promise<{ blocked: false } | { blocked: true; retryAfterSeconds: number }> {
  const key = clientKey(ip);
  if (key === null) return { blocked: false };
  return em.transactional(async (tx) => {
    const conn = tx.getConnection();
    await conn.execute(`select pg_advisory_xact_lock(hashtext(? || ':ip:' || ?))`, [action, key], "all", tx.getTransactionContext());
    const since = new Date(now.getTime() - SIGN_UP_WINDOW_SECONDS * 1000);
    const [row] = await conn.execute<Array<{ n: number; oldest: number | null }>>(
      `select n, oldest from client_action_count(?, ?::inet, ?::timestamptz, ?)`,
      [action, key, since, SIGN_UP_MAX_PER_CLIENT],
      "all",
      tx.getTransactionContext(),
    );
    if (row && row.n >= SIGN_UP_MAX_PER_CLIENT) {
      const oldest = row.oldest ?? now.getTime() / 1000;
      return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(oldest + SIGN_UP_WINDOW_SECONDS - now.getTime() / 1000)) };
    }
    await recordAttempt(tx, { email: action, ip: key }, true, now);
    await conn.execute(`select client_action_prune(?, ?::inet, ?::timestamptz)`, [action, key, since], "all", tx.getTransactionContext());
    return { blocked: false };
  });
}

/** Sign-ups per client: see `admitClientAction`. */
export const admitSignUp = (em: EntityManager, ip: string | null, now: Date) => admitClientAction(em, "sign-up", ip, now);
