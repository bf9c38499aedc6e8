import type { KeyRing } from "@cleanops/auth";

/** The same ring shape admin-api's tests use: both apps sign with one ring, the audience tells tokens apart. */
export const TEST_KEY_RING: KeyRing = { current: { kid: "test-k1", secret: "worker-portal-test-secret-0123456789abcdef" } };
