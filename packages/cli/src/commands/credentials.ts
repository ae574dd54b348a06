import { parseArgs } from 'node:util';
import { dataOptions, integerOption, usageErrors } from '../args.js';
import { output } from '../output.js';
import { UsageError } from '../usage-error.js';
import { openWorkspace } from '../workspace.js';

const options = {
  ...dataOptions,
  guest: { type: 'boolean', default: false },
  user: { type: 'string' },
  'expires-in': { type: 'string' },
} as const;

/** `gatehouse credentials (--guest | --user NAME)`: temporary IAM credentials of the local identity pool. */
export async function credentialsCommand(args: string[]): Promise<void> {
  const { values } = usageErrors(() =>
    parseArgs({ args, options: options, allowPositionals: true, strict: true }),
  );
  if (values.guest === (values.user !== undefined))
    throw new UsageError('Give exactly one of "--guest" or "--user NAME".');
  const lifetimeSeconds = integerOption(values['expires-in'], 'expires-in', 1, 43_200);
  const workspace = await openWorkspace({ ...values, credentialLifetimeSeconds: lifetimeSeconds });
  try {
    const { identityPool, userPool } = workspace.identity;
    let logins: Record<string, string> | undefined;
    if (values.user !== undefined) {
      if (!(await userPool.getUser(values.user))) throw new UsageError(`No user is named "${values.user}".`);
      const { idToken } = await userPool.issueTokens(values.user);
      logins = { [userPool.providerName]: idToken };
    }
    const { identityId } = await identityPool.getId({ logins });
    const result = await identityPool.getCredentialsForIdentity({ identityId, logins });
    const view = {
      identityId: result.identityId,
      accessKeyId: result.credentials.accessKeyId,
      secretAccessKey: result.credentials.secretKey,
      sessionToken: result.credentials.sessionToken,
      expiration: new Date(result.credentials.expiration * 1000).toISOString(),
    };
    output(values.json, view, () =>
      [
        `AWS_ACCESS_KEY_ID=${view.accessKeyId}`,
        `AWS_SECRET_ACCESS_KEY=${view.secretAccessKey}`,
        `AWS_SESSION_TOKEN=${view.sessionToken}`,
        `# identity ${view.identityId}, expires ${view.expiration}`,
      ].join('\n'),
    );
  } finally {
    await workspace.close();
  }
}
