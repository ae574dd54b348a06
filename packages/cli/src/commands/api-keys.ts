import type { APIKey } from '@gatehouse/identity';
import { parseArgs } from 'node:util';
import { dataOptions, integerOption, requirePositional, usageErrors } from '../args.js';
import { output } from '../output.js';
import { UsageError } from '../usage-error.js';
import { openWorkspace } from '../workspace.js';

const options = {
  ...dataOptions,
  'expires-in-days': { type: 'string' },
  description: { type: 'string' },
} as const;

function describe(key: APIKey): string {
  const expires = new Date(key.expires * 1000).toISOString();
  return `${key.id}  expires ${expires}${key.description ? `  ${key.description}` : ''}`;
}

/** `gatehouse api-keys create|list|delete|extend`. */
export async function apiKeysCommand(args: string[]): Promise<void> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({ args, options: options, allowPositionals: true, strict: true }),
  );
  const action = requirePositional(positionals, 0, 'action: create, list, delete or extend');
  if (!['create', 'list', 'delete', 'extend'].includes(action)) {
    throw new UsageError(`Unknown action "${action}"; expected create, list, delete or extend.`);
  }
  const days = integerOption(values['expires-in-days'], 'expires-in-days', 1, 365);
  const id =
    action === 'delete' || action === 'extend' ? requirePositional(positionals, 1, 'API key id') : undefined;
  if (action === 'extend' && days === undefined)
    throw new UsageError('"--expires-in-days" is required for "extend".');
  const workspace = await openWorkspace(values);
  try {
    const keys = workspace.identity.apiKeys;
    switch (action) {
      case 'create': {
        const key = await keys.create({ expiresInDays: days, description: values.description });
        output(values.json, key, () => describe(key));
        break;
      }
      case 'list': {
        const list = await keys.list();
        output(values.json, list, () => (list.length === 0 ? 'No API keys.' : list.map(describe).join('\n')));
        break;
      }
      case 'delete':
        await keys.delete(id as string);
        output(values.json, { deleted: true }, () => 'Deleted.');
        break;
      case 'extend': {
        const key = await keys.extend(id as string, days as number);
        output(values.json, key, () => describe(key));
        break;
      }
    }
  } finally {
    await workspace.close();
  }
}
