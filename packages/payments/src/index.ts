export { checkoutMetadata, type Checkout, type CheckoutRequest, type PaymentProvider } from "./provider.ts";
export { createStripeClient, stripeProvider, type StripeProviderOptions } from "./stripe-provider.ts";
export {
  checkoutCompletedEvent,
  decodeLocalSession,
  deliverSignedEvent,
  encodeLocalSession,
  LOCAL_CHECKOUT_PATH,
  localProvider,
  testCardOutcome,
  type LocalProviderOptions,
  type LocalSession,
  type TestCardOutcome,
} from "./local-provider.ts";
export { signWebhookPayload, verifyWebhookEvent, WEBHOOK_TOLERANCE_SECONDS } from "./webhook-signing.ts";
