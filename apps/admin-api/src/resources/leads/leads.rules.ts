export const LEAD_STATUS_VALUES = ["new", "contacted", "quoted", "won", "lost"] as const;
export type LeadStatus = (typeof LEAD_STATUS_VALUES)[number];

export const LEAD_SOURCE_VALUES = ["web", "phone", "referral", "email", "other"] as const;

/** The pipeline: new → contacted → quoted → won, and lost from any open stage. Won and lost are final. */
export const TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ["contacted", "lost"],
  contacted: ["quoted", "lost"],
  quoted: ["won", "lost"],
  won: [],
  lost: [],
};

/** Why `from → to` is refused, or undefined when it is allowed. */
export function transitionRefusal(from: LeadStatus, to: LeadStatus): string | undefined {
  if (TRANSITIONS[from].includes(to)) return undefined;
  const allowed = TRANSITIONS[from];
  return `A ${from} lead cannot become ${to}${allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : " (it is final)"}.`;
}

/**
 * What a referrer earns when the lead they referred is won, unless the win request names another amount: 20.00 in
 * EUR. Orgs have no currency setting yet, so the request's `currency` (default EUR) says which.
 */
export const DEFAULT_REFERRAL_CREDIT = { amount_cents: 2000, currency: "EUR" } as const;

export const CHAT_CHANNEL_VALUES = ["web", "sms", "whatsapp", "email"] as const;
export const CHAT_FROM_VALUES = ["client", "staff"] as const;
/** A session keeps at most this many messages: the jsonb row stays small enough to rewrite on every append. */
export const MAX_CHAT_MESSAGES = 1000;
