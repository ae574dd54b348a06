import type { LocalUser } from '@gatehouse/identity';
import { parseArgs } from 'node:util';
import { dataOptions, requirePositional, usageErrors } from '../args.js';
import { output } from '../output.js';
import { UsageError } from '../usage-error.js';
import { openWorkspace } from '../workspace.js';

const options = {
  ...dataOptions,
  password: { type: 'string' },
  group: { type: 'string', multiple: true },
  attribute: { type: 'string', multiple: true },
} as const;

interface CodeView {
  readonly purpose: string;
  readonly code: string;
  readonly createdAt: string;
  readonly used: boolean;
}

function describeCode(code: CodeView): string {
  return `${code.code}  ${code.purpose}  ${code.createdAt}${code.used ? '  (used)' : ''}`;
}

function view(user: LocalUser) {
  return {
    username: user.username,
    sub: user.sub,
    groups: [...user.groups],
    attributes: { ...user.attributes },
  };
}

function describe(user: LocalUser): string {
  const groups = user.groups.length > 0 ? `  groups: ${user.groups.join(', ')}` : '';
  return `${user.username}  sub ${user.sub}${groups}`;
}

function parseAttributes(entries: string[] | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const index = entry.indexOf('=');
    if (index <= 0) throw new UsageError(`"--attribute ${entry}" must have the form name=value.`);
    attributes[entry.slice(0, index)] = entry.slice(index + 1);
  }
  return attributes;
}

const actions = ['create', 'list', 'delete', 'codes'];

/** `gatehouse users create|list|delete|codes`. */
export async function usersCommand(args: string[]): Promise<void> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({ args, options: options, allowPositionals: true, strict: true }),
  );
  const action = requirePositional(positionals, 0, 'action: create, list, delete or codes');
  if (!actions.includes(action)) {
    throw new UsageError(`Unknown action "${action}"; expected create, list, delete or codes.`);
  }
  const name = action === 'list' ? undefined : requirePositional(positionals, 1, 'user name');
  if (action === 'create' && values.password === undefined) throw new UsageError('"--password" is required.');
  const attributes = parseAttributes(values.attribute);
  const workspace = await openWorkspace(values);
  try {
    const pool = workspace.identity.userPool;
    if (action === 'create') {
      const user = await pool.createUser(name as string, {
        password: values.password as string,
        groups: values.group ?? [],
        attributes,
      });
      output(values.json, view(user), () => describe(user));
    } else if (action === 'list') {
      const users: LocalUser[] = [];
      let nextToken: string | null = null;
      do {
        const page: { users: LocalUser[]; nextToken: string | null } = await pool.listUsers({
          limit: 60,
          nextToken,
        });
        users.push(...page.users);
        nextToken = page.nextToken;
      } while (nextToken);
      output(values.json, users.map(view), () =>
        users.length === 0 ? 'No users.' : users.map(describe).join('\n'),
      );
    } else if (action === 'codes') {
      // Newest first, as the pool lists them; dev delivers codes to the console, tests read them here.
      const codes: CodeView[] = (await pool.listCodes(name as string)).map((code) => ({
        purpose: code.purpose,
        code: code.code,
        createdAt: code.createdAt,
        used: code.used,
      }));
      output(values.json, codes, () =>
        codes.length === 0 ? 'No codes.' : codes.map(describeCode).join('\n'),
      );
    } else {
      await pool.deleteUser(name as string);
      output(values.json, { deleted: true }, () => 'Deleted.');
    }
  } finally {
    await workspace.close();
  }
}

/** `gatehouse groups add|remove NAME GROUP`. */
export async function groupsCommand(args: string[]): Promise<void> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({ args, options: dataOptions, allowPositionals: true, strict: true }),
  );
  const action = requirePositional(positionals, 0, 'action: add or remove');
  if (action !== 'add' && action !== 'remove')
    throw new UsageError(`Unknown action "${action}"; expected add or remove.`);
  const name = requirePositional(positionals, 1, 'user name');
  const group = requirePositional(positionals, 2, 'group name');
  const workspace = await openWorkspace(values);
  try {
    const pool = workspace.identity.userPool;
    if (action === 'add') await pool.addUserToGroup(name, group);
    else await pool.removeUserFromGroup(name, group);
    const user = await pool.getUser(name);
    output(values.json, user ? view(user) : null, () => (user ? describe(user) : 'Done.'));
  } finally {
    await workspace.close();
  }
}
