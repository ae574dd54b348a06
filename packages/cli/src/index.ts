export { main } from './main.js';
export { startDevServer } from './dev-server.js';
export type { DevServer, DevServerOptions } from './dev-server.js';
export { amplifyConfiguration, amplifyOutputs, amplifyResources } from './client-config.js';
export type { ClientConfigInput } from './client-config.js';
export { UsageError } from './usage-error.js';
