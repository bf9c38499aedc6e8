import { isIP } from "node:net";
import { recentMails } from "@cleanops/mail";
import { notFound } from "@cleanops/http";
import { z } from "zod";
import type { Resource } from "../../kernel/resource.ts";
import { publicRoute } from "../../kernel/route.ts";
import { platformEm } from "../../platform/platform-em.ts";

const tag = "developer";

const LINK = /https?:\/\/[^\s<>"]+/g;

const DevMails = z
  .object({
    mails: z.array(
      z.object({
        id: z.string(),
        to: z.string(),
        subject: z.string(),
        created_at: z.string(),
        sent_at: z.string().nullable(),
        links: z.array(z.string()),
        text: z.string(),
      }),
    ),
  })
  .meta({ id: "DevMails" });

/** Loopback only: the page shows live links (password resets included) to whoever can read it. */
function isLoopback(ip: string | null): boolean {
  if (!ip) return false;
  const v4 = /^::ffff:(.+)$/i.exec(ip)?.[1] ?? ip;
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return ip === "::1";
}

/**
 * The demo's mailbox: without SMTP_URL nothing is sent, so the last mails (with their links) are listed here, for the
 * developer on this machine. With a mail server configured, or from any other address, the route does not exist (404).
 */
export const devMails: Resource = {
  name: "dev-mails",
  publicRoutes: [
    publicRoute({
      method: "get",
      path: "/dev/mails",
      tag,
      summary: "The last 50 mails with their links: only without SMTP_URL (the demo), only from this machine",
      access: { public: "the demo's mailbox for the developer on this machine; 404 with a mail server or from elsewhere" },
      response: DevMails,
      handle: async (ctx) => {
        if (ctx.services.mailDelivered || !isLoopback(ctx.meta.ip)) throw notFound();
        // The page lists delivered mail only (0052's dev_recent_mails never shows pending mail): what is due is
        // delivered to the console first, so a mail queued by the request just before is on the page.
        await ctx.services.outbox.drain();
        const mails = await recentMails(platformEm(ctx.services.orm));
        return {
          mails: mails.map((m) => ({
            id: m.id,
            to: m.to,
            subject: m.subject,
            created_at: m.createdAt.toISOString(),
            sent_at: m.sentAt ? m.sentAt.toISOString() : null,
            links: m.text.match(LINK) ?? [],
            text: m.text,
          })),
        };
      },
    }),
  ],
  routes: [],
};
