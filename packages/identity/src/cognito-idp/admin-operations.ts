/**
 * The admin operations of the Cognito user pool API (`Admin*`, `CreateGroup`, `List*`), served
 * only to SigV4 requests by an admin access key (checked before these run; identity.md §8).
 */
import { randomInt } from 'node:crypto';
import { isStoreError } from '@gatehouse/core';
import { IdentityError } from '../errors.js';
import type { LocalGroup, LocalUser } from '../user-pool.js';
import type { OperationContext } from './service.js';
import { attributeList, optionalString, requiredString } from './wire.js';

type Body = Record<string, unknown>;
type Operation = (context: OperationContext, body: Body) => Promise<unknown>;

function assertPool(context: OperationContext, body: Body): void {
  const poolId = requiredString(body, 'UserPoolId');
  if (poolId !== context.pool.userPoolId) {
    throw new IdentityError(
      'ResourceNotFoundException',
      `User pool ${poolId.slice(0, 64).replace(/[^\w-]/g, '')} does not exist.`,
    );
  }
}

async function requireUser(context: OperationContext, body: Body): Promise<LocalUser> {
  const user = await context.pool.getUser(requiredString(body, 'Username'));
  if (!user) throw new IdentityError('UserNotFoundException', 'User does not exist.');
  return user;
}

async function requireGroup(context: OperationContext, body: Body): Promise<LocalGroup> {
  const group = await context.pool.getGroup(requiredString(body, 'GroupName'));
  if (!group) throw new IdentityError('ResourceNotFoundException', 'Group not found.');
  return group;
}

const seconds = (ms: number) => ms / 1000;

function attributesOf(user: LocalUser) {
  return [
    { Name: 'sub', Value: user.sub },
    ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
  ];
}

function userType(user: LocalUser) {
  return {
    Username: user.username,
    Attributes: attributesOf(user),
    UserCreateDate: seconds(user.createdAt),
    UserLastModifiedDate: seconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

function groupType(context: OperationContext, group: LocalGroup) {
  return {
    GroupName: group.groupName,
    UserPoolId: context.pool.userPoolId,
    ...(group.description === undefined ? {} : { Description: group.description }),
    ...(group.precedence === undefined ? {} : { Precedence: group.precedence }),
    CreationDate: seconds(group.createdAt),
    LastModifiedDate: seconds(group.createdAt),
  };
}

function limitOf(body: Body, max: number): number {
  const limit = body['Limit'];
  if (limit === undefined || limit === null) return max;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > max) {
    throw new IdentityError('InvalidParameterException', `Limit must be an integer from 0 to ${max}.`);
  }
  return limit === 0 ? max : limit;
}

/** Offset pagination over a small in-memory list (groups, group members). */
function page<T>(items: readonly T[], body: Body, tokenName: string, max: number) {
  const limit = limitOf(body, max);
  const token = optionalString(body, tokenName);
  const offset =
    token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new IdentityError('InvalidParameterException', `${tokenName} is invalid.`);
  }
  const slice = items.slice(offset, offset + limit);
  const next =
    offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
  return { slice, next };
}

/** `ListUsers` filters: `name = "value"` or `name ^= "prefix"` (Cognito's syntax). */
function parseFilter(filter: string | undefined): ((user: LocalUser) => boolean) | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const match = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!match) throw new IdentityError('InvalidParameterException', 'Error while parsing filter.');
  const [, name, operator, raw] = match as unknown as [string, string, string, string];
  const value = raw.replace(/\\(.)/g, '$1');
  const read = (user: LocalUser): string | undefined => {
    if (name === 'username') return user.username;
    if (name === 'sub') return user.sub;
    if (name === 'cognito:user_status' || name === 'status')
      return name === 'status' ? String(user.enabled ? 'Enabled' : 'Disabled') : user.status;
    return user.attributes[name];
  };
  return (user) => {
    const actual = read(user);
    if (actual === undefined) return false;
    return operator === '=' ? actual === value : actual.startsWith(value);
  };
}

/** A password that meets any policy: upper, lower, digit, symbol, 12+ characters. */
function temporaryPassword(minimumLength: number): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#%^*-_+='];
  const all = sets.join('');
  const pick = (set: string) => set.charAt(randomInt(0, set.length));
  const characters = sets.map(pick);
  while (characters.length < Math.max(12, minimumLength)) characters.push(pick(all));
  for (let index = characters.length - 1; index > 0; index -= 1) {
    const other = randomInt(0, index + 1);
    [characters[index], characters[other]] = [characters[other]!, characters[index]!];
  }
  return characters.join('');
}

export const adminOperations = {
  async AdminCreateUser(context, body) {
    assertPool(context, body);
    const username = requiredString(body, 'Username');
    const attributes = attributeList(body['UserAttributes'], 'UserAttributes');
    const action = optionalString(body, 'MessageAction');
    if (action !== undefined && action !== 'SUPPRESS') {
      throw new IdentityError('InvalidParameterException', 'MessageAction must be "SUPPRESS" or absent.');
    }
    const given = optionalString(body, 'TemporaryPassword');
    const password = given ?? temporaryPassword(context.pool.passwordPolicy.minimumLength);
    if (await context.pool.getUser(username)) {
      throw new IdentityError('UsernameExistsException', 'User account already exists');
    }
    const user = await context.pool.createUser(username, {
      password,
      attributes,
      status: 'FORCE_CHANGE_PASSWORD',
    });
    if (action !== 'SUPPRESS') {
      const email = user.attributes['email'];
      const phone = user.attributes['phone_number'];
      await context.deliver({
        username: user.username,
        purpose: 'TemporaryPassword',
        code: password,
        deliveryMedium: email !== undefined ? 'EMAIL' : phone !== undefined ? 'SMS' : undefined,
        destination: email ?? phone,
      });
    }
    return { User: userType(user) };
  },

  async AdminGetUser(context, body) {
    assertPool(context, body);
    const user = await requireUser(context, body);
    const { Attributes, ...rest } = userType(user);
    return { ...rest, UserAttributes: Attributes };
  },

  async AdminDeleteUser(context, body) {
    assertPool(context, body);
    const user = await requireUser(context, body);
    await context.pool.deleteUser(user.username);
    return {};
  },

  async AdminSetUserPassword(context, body) {
    assertPool(context, body);
    const user = await requireUser(context, body);
    const password = requiredString(body, 'Password');
    const permanent = body['Permanent'] === true;
    await context.pool.setPassword(user.username, password, { permanent });
    return {};
  },

  async AdminAddUserToGroup(context, body) {
    assertPool(context, body);
    const group = await requireGroup(context, body);
    const user = await requireUser(context, body);
    await context.pool.addUserToGroup(user.username, group.groupName);
    return {};
  },

  async AdminRemoveUserFromGroup(context, body) {
    assertPool(context, body);
    const group = await requireGroup(context, body);
    const user = await requireUser(context, body);
    await context.pool.removeUserFromGroup(user.username, group.groupName);
    return {};
  },

  async CreateGroup(context, body) {
    assertPool(context, body);
    const name = requiredString(body, 'GroupName');
    const precedence = body['Precedence'];
    if (precedence !== undefined && typeof precedence !== 'number') {
      throw new IdentityError('InvalidParameterException', 'Precedence must be a number.');
    }
    const group = await context.pool.createGroup(name, {
      description: optionalString(body, 'Description'),
      precedence,
    });
    return { Group: groupType(context, group) };
  },

  async ListUsers(context, body) {
    assertPool(context, body);
    const limit = limitOf(body, 60);
    const filter = parseFilter(optionalString(body, 'Filter'));
    const { users, nextToken } = await context.pool
      .listUsers({ limit, nextToken: optionalString(body, 'PaginationToken') ?? null })
      .catch((error: unknown) => {
        if (isStoreError(error))
          throw new IdentityError('InvalidParameterException', 'PaginationToken is invalid.');
        throw error;
      });
    return {
      Users: (filter ? users.filter(filter) : users).map(userType),
      ...(nextToken === null ? {} : { PaginationToken: nextToken }),
    };
  },

  async ListGroups(context, body) {
    assertPool(context, body);
    const groups = await context.pool.describeGroups();
    const { slice, next } = page(groups, body, 'NextToken', 60);
    return { Groups: slice.map((group) => groupType(context, group)), ...(next ? { NextToken: next } : {}) };
  },

  async ListUsersInGroup(context, body) {
    assertPool(context, body);
    const group = await requireGroup(context, body);
    const members = await context.pool.listUsersInGroup(group.groupName);
    const { slice, next } = page(members, body, 'NextToken', 60);
    return { Users: slice.map(userType), ...(next ? { NextToken: next } : {}) };
  },
} satisfies Record<string, Operation>;

export type AdminOperationName = keyof typeof adminOperations;
