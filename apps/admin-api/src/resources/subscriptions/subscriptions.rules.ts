export const SUBSCRIPTION_STATUS_VALUES = ["active", "paused", "cancelled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUS_VALUES)[number];

export const FREQUENCY_VALUES = ["weekly", "biweekly", "monthly"] as const;

/** A plan pauses and resumes as often as the client likes; cancelling is final. */
export const TRANSITIONS: Readonly<Record<SubscriptionStatus, readonly SubscriptionStatus[]>> = {
  active: ["paused", "cancelled"],
  paused: ["active", "cancelled"],
  cancelled: [],
};

/** Why `from → to` is refused, or undefined when it is allowed. */
export function transitionRefusal(from: SubscriptionStatus, to: SubscriptionStatus): string | undefined {
  if (TRANSITIONS[from].includes(to)) return undefined;
  const allowed = TRANSITIONS[from];
  return `A ${from} subscription cannot become ${to}${allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : " (it is final)"}.`;
}
