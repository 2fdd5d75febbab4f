// The container's HEALTHCHECK: reads the same config as the server (file and environment),
// so a port set only in HAWKER_CONFIG is still found, then asks /healthz on that port.
import { loadConfig } from './config/load.js';

const config = loadConfig();
const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}/healthz`;
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
