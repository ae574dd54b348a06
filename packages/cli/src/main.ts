import { isIdentityError } from '@gatehouse/identity';
import { apiKeysCommand } from './commands/api-keys.js';
import { credentialsCommand } from './commands/credentials.js';
import { devCommand } from './commands/dev.js';
import { tokenCommand } from './commands/token.js';
import { groupsCommand, usersCommand } from './commands/users.js';
import { UsageError } from './usage-error.js';

const usage = `Usage: gatehouse <command> [options]

Commands:
  dev [--config FILE] [--port N] [--host H] [--data DIR]   start the dev server
  api-keys create|list|delete ID|extend ID                 manage API keys
  users create NAME --password P|list|delete NAME          manage users of the local pool
  users codes NAME                                         list a user's confirmation and reset codes
  groups add|remove NAME GROUP                             manage group membership
  token NAME [--password P] [--expires-in S] [--oidc]      print tokens of a user
  credentials (--guest | --user NAME) [--expires-in S]     print temporary IAM credentials

Admin commands take --data DIR (default ./.gatehouse), --config FILE and --json.`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  dev: devCommand,
  'api-keys': apiKeysCommand,
  users: usersCommand,
  groups: groupsCommand,
  token: tokenCommand,
  credentials: credentialsCommand,
};

/** Runs the CLI; returns the exit code (the dev server keeps the process alive on its own). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}"; run "gatehouse --help" for the list.\n`);
    return 2;
  }
  try {
    await command(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || isIdentityError(error)) {
      process.stderr.write(`gatehouse ${name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `gatehouse ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}
