import { parseArgs } from 'node:util';
import { dataOptions, integerOption, requirePositional, usageErrors } from '../args.js';
import { output } from '../output.js';
import { UsageError } from '../usage-error.js';
import { openWorkspace } from '../workspace.js';

const options = {
  ...dataOptions,
  password: { type: 'string' },
  'expires-in': { type: 'string' },
  oidc: { type: 'boolean', default: false },
} as const;

/**
 * `gatehouse token NAME`: real tokens of the local user pool. Without `--password` they are
 * issued straight from the local store, a development convenience like signing in as that user.
 */
export async function tokenCommand(args: string[]): Promise<void> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({ args, options: options, allowPositionals: true, strict: true }),
  );
  const name = requirePositional(positionals, 0, 'user name');
  const expiresInSeconds = integerOption(values['expires-in'], 'expires-in', 1, 86_400);
  const workspace = await openWorkspace(values);
  try {
    const pool = workspace.identity.userPool;
    if (values.password !== undefined && !(await pool.verifyPassword(name, values.password))) {
      throw new UsageError('Incorrect username or password.');
    }
    if (!(await pool.getUser(name))) throw new UsageError(`No user is named "${name}".`);
    if (values.oidc) {
      const idToken = await workspace.identity.oidcIssuer.issueIdToken(name, { expiresInSeconds });
      output(values.json, { idToken }, () => idToken);
      return;
    }
    const tokens = await pool.issueTokens(name, { expiresInSeconds });
    const view = {
      idToken: tokens.idToken,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    };
    output(
      values.json,
      view,
      () =>
        `ID token:\n${view.idToken}\n\nAccess token:\n${view.accessToken}\n\nRefresh token:\n${view.refreshToken}`,
    );
  } finally {
    await workspace.close();
  }
}
