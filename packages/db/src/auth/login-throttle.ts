import type { EntityManager } from "@mikro-orm/postgresql";
import { LoginAttempt } from "../entities/platform/login-attempt.ts";

// One module for every sign-in form (admin-api's staff, worker-portal's workers), so the limits cannot drift apart.
// The key is an email for staff and a namespaced `worker:<org id>:<email>` for workers: the two never share a count.

export const THROTTLE_WINDOW_SECONDS = 15 * 60;
export const THROTTLE_MAX_FAILURES = 10;
/** Attempts older than this are pruned (per email and per IP, as they are written); the audit log keeps the history. */
export const ATTEMPT_RETENTION_SECONDS = 24 * 60 * 60;

export type ThrottleState = { blocked: false } | { blocked: true; retryAfterSeconds: number; by: "email" | "ip" };

// The oldest counted failure as epoch seconds (the ORM's connection hands timestamps back as strings).
type Row = { email_failures: number; email_tenth: number | null; ip_failures: number; ip_tenth: number | null };

/**
 * Failures are counted in `login_attempts`, so the limit holds across restarts and instances. Per email, only failures
 * since that email's last successful sign-in count (the owner of the account proved the password; an attacker never
 * can). Per IP, successes are ignored: otherwise an attacker with one valid account could reset the IP's count.
 * The Retry-After is when the 10th most recent failure leaves the window, i.e. when one more attempt is allowed.
 */
const STATE_SQL = `
with last_ok as (
  select coalesce(max(attempted_at), '-infinity'::timestamptz) as at from login_attempts where email = ? and succeeded
), by_email as (
  select a.attempted_at from login_attempts a, last_ok
   where a.email = ? and not a.succeeded and a.attempted_at > greatest(?::timestamptz, last_ok.at)
   order by a.attempted_at desc limit ?
), by_ip as (
  select attempted_at from login_attempts
   where ip = ?::inet and not succeeded and attempted_at > ?::timestamptz
   order by attempted_at desc limit ?
)
select (select count(*)::int from by_email) as email_failures,
       (select extract(epoch from min(attempted_at))::float8 from by_email) as email_tenth,
       (select count(*)::int from by_ip) as ip_failures,
       (select extract(epoch from min(attempted_at))::float8 from by_ip) as ip_tenth`;

export async function throttleState(em: EntityManager, key: { email: string; ip: string | null }, now: Date): Promise<ThrottleState> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_SECONDS * 1000);
  const [row] = await em
    .getConnection()
    .execute<Row[]>(
      STATE_SQL,
      [key.email, key.email, since, THROTTLE_MAX_FAILURES, key.ip, since, THROTTLE_MAX_FAILURES],
      "all",
      em.getTransactionContext(),
    );
  if (!row) return { blocked: false };
  const retryAfter = (tenth: number | null) =>
    tenth === null ? 1 : Math.max(1, Math.ceil(tenth + THROTTLE_WINDOW_SECONDS - now.getTime() / 1000));
  const emailBlocked = row.email_failures >= THROTTLE_MAX_FAILURES;
  const ipBlocked = row.ip_failures >= THROTTLE_MAX_FAILURES;
  if (!emailBlocked && !ipBlocked) return { blocked: false };
  const byEmail = emailBlocked ? retryAfter(row.email_tenth) : 0;
  const byIp = ipBlocked ? retryAfter(row.ip_tenth) : 0;
  return { blocked: true, retryAfterSeconds: Math.max(byEmail, byIp), by: byEmail >= byIp ? "email" : "ip" };
}

/**
 * Checks the throttle and, unless blocked, counts this attempt as a failure at once, under per-email and per-IP
 * advisory locks: concurrent attempts queue for the check, so a burst cannot slip past the limit while passwords are
 * being verified. Returns the attempt's id, to be marked a success (`markSucceeded`) if the password proves right.
 * Also prunes this email's and this IP's attempts past the retention.
 */
export async function admitAttempt(
  em: EntityManager,
  key: { email: string; ip: string | null },
  now: Date,
): Promise<{ blocked: true; state: ThrottleState & { blocked: true } } | { blocked: false; attemptId: string }> {
  return em.transactional(async (tx) => {
    // Always email before IP, so two attempts never wait on each other's second lock.
    await tx
      .getConnection()
      .execute(`select pg_advisory_xact_lock(hashtext('login:email:' || ?))`, [key.email], "all", tx.getTransactionContext());
    if (key.ip !== null) {
      await tx
        .getConnection()
        .execute(`select pg_advisory_xact_lock(hashtext('login:ip:' || ?))`, [key.ip], "all", tx.getTransactionContext());
    }
    const state = await throttleState(tx, key, now);
    if (state.blocked) return { blocked: true, state };
    const attempt = tx.create(LoginAttempt, { email: key.email, ip: key.ip, succeeded: false, attemptedAt: now });
    await tx.flush();
    const cutoff = new Date(now.getTime() - ATTEMPT_RETENTION_SECONDS * 1000);
    await tx.nativeDelete(LoginAttempt, { email: key.email, attemptedAt: { $lt: cutoff } });
    if (key.ip !== null) await tx.nativeDelete(LoginAttempt, { ip: key.ip, attemptedAt: { $lt: cutoff } });
    return { blocked: false, attemptId: attempt.id };
  });
}

/** The password proved right: the admitted attempt counts as a success (which resets the email's count). */
export async function markSucceeded(em: EntityManager, attemptId: string): Promise<void> {
  await em.nativeUpdate(LoginAttempt, { id: attemptId }, { succeeded: true });
}
