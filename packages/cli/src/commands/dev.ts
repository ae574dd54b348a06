import { parseArgs } from 'node:util';
import { integerOption, usageErrors } from '../args.js';
import { startDevServer } from '../dev-server.js';
import { createConsoleLogger } from '../logger.js';
import { defaultConfigFile, defaultDataDir } from '../workspace.js';

const options = {
  config: { type: 'string', default: defaultConfigFile },
  data: { type: 'string', default: defaultDataDir },
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '4000' },
} as const;

/** `gatehouse dev`: serves until SIGINT/SIGTERM, then stops cleanly. */
export async function devCommand(args: string[]): Promise<void> {
  const { values } = usageErrors(() =>
    parseArgs({ args, options: options, allowPositionals: true, strict: true }),
  );
  const port = integerOption(values.port, 'port', 0, 65_535) ?? 4000;
  const logger = createConsoleLogger();
  const server = await startDevServer({
    configPath: values.config,
    dataDir: values.data,
    host: values.host,
    port,
    logger,
  });
  const { settings } = server.identity;
  const lines = [
    `GraphQL:          ${server.graphqlUrl}`,
    server.firstAPIKey
      ? `API key:          ${server.firstAPIKey} (new, valid 7 days; shown once)`
      : `API key:          see ${values.data}/amplify-resources.json, or "gatehouse api-keys create"`,
    `User pool:        ${settings.userPoolId}`,
    `App client:       ${settings.userPoolClientId}`,
    `Identity pool:    ${settings.identityPoolId}`,
    `Client config:    ${values.data}/amplifyconfiguration.json, amplify_outputs.json, amplify-resources.json`,
    `Gatehouse ready at ${server.graphqlUrl}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`Received ${signal}; stopping.`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('Stopping failed.', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
