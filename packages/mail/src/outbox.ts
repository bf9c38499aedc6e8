import { entities } from "@cleanops/db";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import type { Logger } from "pino";
import type { Mailer } from "./mailer.ts";

const { MailOutbox } = entities;

export type MailToQueue = { kind: string; to: string; subject: string; text: string; orgId?: string | null };

/**
 * Queues a mail on `em`, to be flushed in the caller's transaction: the mail exists if and only if the change that
 * causes it commits. Delivery happens after commit (`OutboxSender`), never inside a request's transaction.
 */
export function enqueueMail(em: EntityManager, mail: MailToQueue): void {
  em.create(MailOutbox, {
    organization: mail.orgId ?? null,
    kind: mail.kind,
    toAddress: mail.to,
    subject: mail.subject,
    textBody: mail.text,
  });
}

const MAX_BACKOFF_SECONDS = 60 * 60;
const BATCH = 20;

type Due = { id: string; to_address: string; subject: string; text_body: string; attempts: number };

/**
 * Sends what is due, oldest first, each row locked (SKIP LOCKED: several instances drain side by side without sending
 * a mail twice). A delivered mail is stamped and, when it went to a real server, its body emptied: a sent link does
 * not stay readable in the database. A failure is retried later with a doubling delay (at most an hour). Due-ness is
 * judged by the database's clock (the rows' defaults use it); `now` only stamps `sent_at`.
 */
export async function drainOutbox(em: EntityManager, mailer: Mailer, now: Date, logger?: Logger): Promise<number> {
  return em.transactional(async (tx) => {
    const conn = tx.getConnection();
    // The app role cannot read or change the outbox (0052): the sender claims, marks sent and marks failed through
    // narrow functions; the claim's row locks last until this transaction ends.
    const due = await conn.execute<Due[]>(
      `select id, to_address, subject, text_body, attempts from mail_outbox_claim(?)`,
      [BATCH],
      "all",
      tx.getTransactionContext(),
    );
    let sent = 0;
    for (const row of due) {
      try {
        await mailer.send({ to: row.to_address, subject: row.subject, text: row.text_body });
        await conn.execute(
          `select mail_outbox_mark_sent(?, ?::timestamptz, ?)`,
          [row.id, now, mailer.kind !== "smtp"],
          "run",
          tx.getTransactionContext(),
        );
        sent++;
      } catch (err) {
        const delay = Math.min(2 ** row.attempts * 30, MAX_BACKOFF_SECONDS);
        const message = err instanceof Error ? err.message.slice(0, 500) : "send failed";
        logger?.warn({ mailId: row.id, attempts: row.attempts + 1, err: message }, "mail delivery failed; will retry");
        await conn.execute(`select mail_outbox_mark_failed(?, ?, ?)`, [row.id, message, delay], "run", tx.getTransactionContext());
      }
    }
    return sent;
  });
}

export type OutboxSender = {
  /** Drain soon (after the current request's commit); coalesces bursts. Never throws. */
  kick(): void;
  /** Drain now; resolves when the due mail has been handled (tests, and the timer). */
  drain(): Promise<number>;
  /** Drains every `intervalMs` too, for retries and mail queued by another instance. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
};

export function outboxSender(deps: { orm: MikroORM; mailer: Mailer; logger: Logger; now: () => Date }): OutboxSender {
  let running: Promise<number> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const once = async (): Promise<number> => {
    const em = deps.orm.em.fork({ clear: true, useContext: false });
    return drainOutbox(em, deps.mailer, deps.now(), deps.logger);
  };
  const drain = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await once();
      } while (again);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    kick() {
      setImmediate(() => {
        drain().catch((err: unknown) => deps.logger.error({ err }, "mail outbox drain failed"));
      });
    },
    drain,
    start(intervalMs = 30_000) {
      timer ??= setInterval(() => {
        drain().catch((err: unknown) => deps.logger.error({ err }, "mail outbox drain failed"));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
      await deps.mailer.close();
    },
  };
}

export type RecentMail = { id: string; to: string; subject: string; text: string; createdAt: Date; sentAt: Date | null };

/**
 * The last mails delivered to the developer's console, newest first (the demo's local mail page), through 0052's
 * `dev_recent_mails`: only mail that keeps its body once sent, never pending mail, 50 at most.
 */
export async function recentMails(em: EntityManager, limit = 50): Promise<RecentMail[]> {
  type Row = { id: string; to_address: string; subject: string; text_body: string; created_at: string; sent_at: string | null };
  const rows = await em.getConnection().execute<Row[]>(`select * from dev_recent_mails(?)`, [limit], "all", em.getTransactionContext());
  return rows.map((m) => ({
    id: m.id,
    to: m.to_address,
    subject: m.subject,
    text: m.text_body,
    createdAt: new Date(m.created_at),
    sentAt: m.sent_at === null ? null : new Date(m.sent_at),
  }));
}
