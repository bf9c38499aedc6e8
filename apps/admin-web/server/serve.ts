import { loadConfig } from "./config.ts";
import { createWebServer } from "./web-server.ts";

const config = loadConfig();
const server = createWebServer({ distDir: config.distDir, adminApiUrl: config.adminApiUrl });
server.listen(config.port, config.host, () => {
  console.log(JSON.stringify({ msg: "admin-web listening", url: `http://${config.host}:${config.port}`, api: config.adminApiUrl }));
});
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
