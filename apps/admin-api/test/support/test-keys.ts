import type { KeyRing } from "@cleanops/auth";

export const TEST_KEY = { kid: "test-k1", secret: "admin-api-test-secret-0123456789abcdefghij" };
export const OTHER_KEY = { kid: "test-k1", secret: "someone-elses-secret-0123456789abcdefghijk" };
export const TEST_KEY_RING: KeyRing = { current: TEST_KEY };
