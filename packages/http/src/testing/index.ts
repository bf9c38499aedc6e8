export { describeHealthContract, type HealthContractOptions } from "./health-contract.ts";
export { closedPort } from "./closed-port.ts";
export { spawnServer, waitForListeningUrl, type ServerProcess } from "./server-process.ts";
export { postAroundJsonLimit } from "./oversized-json.ts";
export { chromiumAvailable, CHROMIUM_PATH, launchChromium } from "./chromium.ts";
export { expectDocumentedRoutes, expectOfflineDocs } from "./openapi-contract.ts";
