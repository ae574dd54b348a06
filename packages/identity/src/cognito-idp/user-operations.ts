/**
 * The user-facing operations of the Cognito user pool API (identity.md §2, §3): the calls the
 * aws-amplify v6 client makes, with Cognito's request and response shapes and error strings.
 */
import { IdentityError } from '../errors.js';
import { assertPasswordPolicy } from '../passwords.js';
import type { AccessTokenClaims, LocalUser } from '../user-pool.js';
import type { CodePurpose } from './codes.js';
import type { OperationContext } from './service.js';
import {
  computeServerKey,
  createServerEphemeral,
  modPow,
  padHex,
  parseSRPA,
  parseSRPTimestamp,
  passwordClaimSignature,
  signatureMatches,
  srpG,
  srpN,
} from './srp.js';
import { attributeList, maskDestination, optionalString, requiredString, stringMap } from './wire.js';

type Body = Record<string, unknown>;
type Operation = (context: OperationContext, body: Body) => Promise<unknown>;

/** How far `TIMESTAMP` may be from the server clock (Decision, identity.md §3 step B.2). */
export const srpTimestampToleranceMs = 5 * 60 * 1000;

/** Attributes a client may never write itself. */
const unwritableAttributes = new Set(['sub', 'email_verified', 'phone_number_verified']);

const incorrect = () => new IdentityError('NotAuthorizedException', 'Incorrect username or password.');
const userNotFound = () => new IdentityError('UserNotFoundException', 'User does not exist.');

/**
 * The user a confirmation code is for. With `PreventUserExistenceErrors` an unknown user gets the
 * same answer as a wrong code, so the code endpoints cannot be used to probe usernames.
 */
async function userForCode(context: OperationContext, username: string): Promise<LocalUser> {
  const user = await context.pool.getUser(username);
  if (user) return user;
  if (context.preventUserExistenceErrors) {
    throw new IdentityError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  throw userNotFound();
}

function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

function assertClient(context: OperationContext, body: Body): string {
  const clientId = requiredString(body, 'ClientId');
  if (clientId !== context.pool.clientId) {
    throw new IdentityError(
      'ResourceNotFoundException',
      `User pool client ${clientId.slice(0, 128).replace(/[^\w+]/g, '')} does not exist.`,
    );
  }
  return clientId;
}

function assertWritable(attributes: Record<string, string>): void {
  for (const name of Object.keys(attributes)) {
    if (unwritableAttributes.has(name)) {
      throw new IdentityError('NotAuthorizedException', 'A client attempted to write unauthorized attribute');
    }
  }
}

/** Where a code for the user goes: email first, then phone number (Cognito's order). */
function deliveryOf(user: LocalUser, attribute?: string) {
  const email = user.attributes['email'];
  const phone = user.attributes['phone_number'];
  if ((attribute === undefined || attribute === 'email') && email !== undefined) {
    return { medium: 'EMAIL' as const, destination: email, attributeName: 'email' };
  }
  if ((attribute === undefined || attribute === 'phone_number') && phone !== undefined) {
    return { medium: 'SMS' as const, destination: phone, attributeName: 'phone_number' };
  }
  return undefined;
}

function codeDeliveryDetails(delivery: ReturnType<typeof deliveryOf>) {
  return delivery === undefined
    ? undefined
    : {
        Destination: maskDestination(delivery.destination, delivery.medium),
        DeliveryMedium: delivery.medium,
        AttributeName: delivery.attributeName,
      };
}

/** A plausible answer for an unknown user (`ENABLED` mode): shaped like a real one, nothing sent. */
function decoyDeliveryDetails(username: string) {
  const email = username.includes('@') ? username : `${username}@example.com`;
  return { Destination: maskDestination(email, 'EMAIL'), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

async function sendCode(
  context: OperationContext,
  user: LocalUser,
  purpose: CodePurpose,
  attribute?: string,
) {
  const delivery = deliveryOf(user, attribute);
  const code = await context.pool.issueCode(user.username, purpose, delivery?.attributeName);
  await context.deliver({
    username: user.username,
    purpose,
    code,
    deliveryMedium: delivery?.medium,
    destination: delivery?.destination,
  });
  return codeDeliveryDetails(delivery);
}

async function authenticateAccessToken(
  context: OperationContext,
  body: Body,
): Promise<{ claims: AccessTokenClaims; user: LocalUser }> {
  const token = body['AccessToken'];
  if (typeof token !== 'string' || token.length === 0) {
    throw new IdentityError('NotAuthorizedException', 'Invalid Access Token');
  }
  const claims = await context.pool.verifyAccessToken(token);
  const user = await context.pool.getUser(claims.username);
  if (!user || user.sub !== claims.sub)
    throw new IdentityError('NotAuthorizedException', 'Invalid Access Token');
  if (!user.enabled) throw new IdentityError('NotAuthorizedException', 'User is disabled.');
  return { claims, user };
}

function userAttributes(user: LocalUser): { Name: string; Value: string }[] {
  return [
    { Name: 'sub', Value: user.sub },
    ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
  ];
}

/** After a correct password: status checks, then tokens or `NEW_PASSWORD_REQUIRED` (identity.md §2). */
async function completeSignIn(
  context: OperationContext,
  user: LocalUser,
  clientId: string,
): Promise<unknown> {
  if (!user.enabled) throw new IdentityError('NotAuthorizedException', 'User is disabled.');
  if (user.status === 'UNCONFIRMED')
    throw new IdentityError('UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'RESET_REQUIRED') {
    throw new IdentityError('PasswordResetRequiredException', 'Password reset required for the user');
  }
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: context.sealSession('NEW_PASSWORD_REQUIRED', { username: user.username, clientId }),
      ChallengeParameters: {
        USER_ID_FOR_SRP: user.username,
        requiredAttributes: JSON.stringify([]),
        userAttributes: JSON.stringify(user.attributes),
      },
    };
  }
  const tokens = await context.pool.issueTokens(user.username, { clientId });
  return {
    ChallengeParameters: {},
    AuthenticationResult: {
      AccessToken: tokens.accessToken,
      ExpiresIn: tokens.expiresIn,
      TokenType: 'Bearer',
      IdToken: tokens.idToken,
      RefreshToken: tokens.refreshToken,
    },
  };
}

async function refreshResult(
  context: OperationContext,
  clientId: string,
  refreshToken: string,
  rotate: boolean,
): Promise<Record<string, unknown>> {
  const tokens = await context.pool.refresh(refreshToken, { clientId, rotate });
  return {
    AccessToken: tokens.accessToken,
    ExpiresIn: tokens.expiresIn,
    TokenType: 'Bearer',
    IdToken: tokens.idToken,
    ...(tokens.refreshToken === undefined ? {} : { RefreshToken: tokens.refreshToken }),
  };
}

/** §3 step A. */
async function startSRP(context: OperationContext, clientId: string, parameters: Record<string, string>) {
  const username = parameters['USERNAME'];
  if (username === undefined || username === '') {
    throw new IdentityError('InvalidParameterException', 'Missing required parameter USERNAME');
  }
  const A = parseSRPA(parameters['SRP_A']);
  if (A === undefined) throw new IdentityError('InvalidParameterException', 'Invalid SRP_A');
  const key = usernameKey(username);
  await context.throttle.assertNotLocked(key);
  const found = await context.pool.srpVerifier(username);
  if (!found && !context.preventUserExistenceErrors && !(await context.pool.getUser(username))) {
    throw userNotFound();
  }
  // Unknown users (and users without a verifier) get a decoy that is stable across probes and fails in step B.
  const salt = found?.salt ?? BigInt(`0x${context.decoyBytes('salt', key).subarray(0, 16).toString('hex')}`);
  const verifier =
    found?.verifier ?? modPow(srpG, BigInt(`0x${context.decoyBytes('x', key).toString('hex')}`), srpN);
  const userId = found?.user.username ?? username;
  const { b, B } = createServerEphemeral(verifier);
  const sealed = context.sealSession('SRP', {
    A: A.toString(16),
    b: b.toString(16),
    B: B.toString(16),
    userKey: key,
    userId,
    clientId,
    decoy: found === undefined,
  });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: padHex(salt),
      SECRET_BLOCK: Buffer.from(sealed, 'utf8').toString('base64'),
      SRP_B: B.toString(16),
      USERNAME: userId,
      USER_ID_FOR_SRP: userId,
    },
  };
}

/** §3 step B. */
async function verifySRP(context: OperationContext, clientId: string, responses: Record<string, string>) {
  const secretBlock = responses['PASSWORD_CLAIM_SECRET_BLOCK'] ?? '';
  const secretBlockBytes = Buffer.from(secretBlock, 'base64');
  const state = /^[A-Za-z0-9+/]+={0,2}$/.test(secretBlock)
    ? await context.openSession('SRP', secretBlockBytes.toString('utf8'))
    : undefined;
  if (!state || state['clientId'] !== clientId) throw incorrect();
  const userKey = String(state['userKey']);
  const userId = String(state['userId']);
  const sentUsername = responses['USERNAME'] ?? '';
  if (usernameKey(sentUsername) !== userKey && usernameKey(sentUsername) !== usernameKey(userId)) {
    throw incorrect();
  }
  await context.throttle.assertNotLocked(userKey);
  const fail = async (): Promise<never> => {
    await context.throttle.recordFailure(userKey);
    throw incorrect();
  };
  const timestamp = responses['TIMESTAMP'];
  const signedAt = parseSRPTimestamp(timestamp);
  if (signedAt === undefined || Math.abs(context.now() - signedAt) > srpTimestampToleranceMs) return fail();
  const found = state['decoy'] === true ? undefined : await context.pool.srpVerifier(userId);
  const A = BigInt(`0x${String(state['A'])}`);
  const B = BigInt(`0x${String(state['B'])}`);
  const b = BigInt(`0x${String(state['b'])}`);
  // Decoys do the same work against a verifier nobody knows the password of.
  const verifier =
    found?.verifier ?? modPow(srpG, BigInt(`0x${context.decoyBytes('x', userKey).toString('hex')}`), srpN);
  const key = computeServerKey({ A, B, b, verifier });
  if (!key) return fail();
  const expected = passwordClaimSignature({
    key,
    poolName: context.pool.poolName,
    userId,
    secretBlock: secretBlockBytes,
    timestamp: timestamp ?? '',
  });
  if (!signatureMatches(responses['PASSWORD_CLAIM_SIGNATURE'], expected) || !found) return fail();
  await context.throttle.recordSuccess(userKey);
  return completeSignIn(context, found.user, clientId);
}

async function answerNewPassword(
  context: OperationContext,
  clientId: string,
  session: string | undefined,
  responses: Record<string, string>,
) {
  const expired = () =>
    new IdentityError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
  const password = responses['NEW_PASSWORD'];
  if (password === undefined || password === '') {
    throw new IdentityError('InvalidParameterException', 'Missing required parameter NEW_PASSWORD');
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(responses)) {
    if (name.startsWith('userAttributes.')) attributes[name.slice('userAttributes.'.length)] = value;
  }
  assertWritable(attributes);
  // Checked before the session is spent, so a weak password can be retried.
  assertPasswordPolicy(password, context.pool.passwordPolicy);
  const state =
    session === undefined ? undefined : await context.openSession('NEW_PASSWORD_REQUIRED', session);
  if (!state || state['clientId'] !== clientId) throw expired();
  const username = String(state['username']);
  const sent = responses['USERNAME'];
  if (sent !== undefined && usernameKey(sent) !== usernameKey(username)) throw expired();
  const user = await context.pool.getUser(username);
  if (!user || user.status !== 'FORCE_CHANGE_PASSWORD') throw expired();
  if (Object.keys(attributes).length > 0) await context.pool.updateAttributes(username, attributes);
  const updated = await context.pool.setPassword(username, password, { permanent: true });
  return completeSignIn(context, updated, clientId);
}

export const userOperations = {
  async SignUp(context, body) {
    assertClient(context, body);
    const username = requiredString(body, 'Username');
    const password = requiredString(body, 'Password');
    const attributes = attributeList(body['UserAttributes'], 'UserAttributes');
    assertWritable(attributes);
    const user = await context.pool.createUser(username, { password, attributes, status: 'UNCONFIRMED' });
    const details = await sendCode(context, user, 'SignUp');
    return {
      UserConfirmed: false,
      UserSub: user.sub,
      ...(details === undefined ? {} : { CodeDeliveryDetails: details }),
    };
  },

  async ConfirmSignUp(context, body) {
    assertClient(context, body);
    const username = requiredString(body, 'Username');
    const code = requiredString(body, 'ConfirmationCode');
    const user = await userForCode(context, username);
    if (user.status !== 'UNCONFIRMED') {
      throw new IdentityError(
        'NotAuthorizedException',
        `User cannot be confirmed. Current status is ${user.status}`,
      );
    }
    await context.pool.consumeCode(user.username, 'SignUp', code);
    await context.pool.confirmUser(user.username);
    return {};
  },

  async ResendConfirmationCode(context, body) {
    assertClient(context, body);
    const username = requiredString(body, 'Username');
    const user = await context.pool.getUser(username);
    if (!user) {
      if (context.preventUserExistenceErrors) return { CodeDeliveryDetails: decoyDeliveryDetails(username) };
      throw userNotFound();
    }
    if (user.status !== 'UNCONFIRMED') {
      throw new IdentityError('InvalidParameterException', 'User is already confirmed.');
    }
    const details = await sendCode(context, user, 'SignUp');
    return details === undefined ? {} : { CodeDeliveryDetails: details };
  },

  async InitiateAuth(context, body) {
    const clientId = assertClient(context, body);
    const flow = requiredString(body, 'AuthFlow');
    const parameters = stringMap(body, 'AuthParameters');
    switch (flow) {
      case 'USER_SRP_AUTH':
        return startSRP(context, clientId, parameters);
      case 'USER_PASSWORD_AUTH': {
        if (!context.allowUserPasswordAuth) {
          throw new IdentityError(
            'InvalidParameterException',
            'USER_PASSWORD_AUTH flow not enabled for this client',
          );
        }
        const username = parameters['USERNAME'] ?? '';
        const password = parameters['PASSWORD'] ?? '';
        if (username === '')
          throw new IdentityError('InvalidParameterException', 'Missing required parameter USERNAME');
        const key = usernameKey(username);
        await context.throttle.assertNotLocked(key);
        if (!(await context.pool.verifyPassword(username, password))) {
          const exists = await context.pool.getUser(username);
          if (!exists && !context.preventUserExistenceErrors) throw userNotFound();
          await context.throttle.recordFailure(key);
          throw incorrect();
        }
        await context.throttle.recordSuccess(key);
        const user = await context.pool.getUser(username);
        if (!user) throw incorrect();
        return completeSignIn(context, user, clientId);
      }
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN': {
        const token = parameters['REFRESH_TOKEN'];
        if (token === undefined || token === '') {
          throw new IdentityError('InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
        }
        return {
          ChallengeParameters: {},
          AuthenticationResult: await refreshResult(context, clientId, token, false),
        };
      }
      default:
        throw new IdentityError('InvalidParameterException', 'Initiate Auth method not supported.');
    }
  },

  async RespondToAuthChallenge(context, body) {
    const clientId = assertClient(context, body);
    const challenge = requiredString(body, 'ChallengeName');
    const responses = stringMap(body, 'ChallengeResponses');
    if (challenge === 'PASSWORD_VERIFIER') return verifySRP(context, clientId, responses);
    if (challenge === 'NEW_PASSWORD_REQUIRED') {
      return answerNewPassword(context, clientId, optionalString(body, 'Session'), responses);
    }
    throw new IdentityError('InvalidParameterException', 'The challenge name is not supported.');
  },

  async GetTokensFromRefreshToken(context, body) {
    const clientId = assertClient(context, body);
    const token = requiredString(body, 'RefreshToken');
    return { AuthenticationResult: await refreshResult(context, clientId, token, true) };
  },

  async GetUser(context, body) {
    const { user } = await authenticateAccessToken(context, body);
    return { Username: user.username, UserAttributes: userAttributes(user) };
  },

  async UpdateUserAttributes(context, body) {
    const { user } = await authenticateAccessToken(context, body);
    const attributes = attributeList(body['UserAttributes'], 'UserAttributes');
    if (Object.keys(attributes).length === 0) {
      throw new IdentityError('InvalidParameterException', 'UserAttributes must not be empty.');
    }
    assertWritable(attributes);
    const updated = await context.pool.updateAttributes(user.username, attributes);
    const list: unknown[] = [];
    for (const name of ['email', 'phone_number']) {
      if (
        attributes[name] !== undefined &&
        attributes[name] !== '' &&
        updated.attributes[`${name}_verified`] !== 'true'
      ) {
        list.push(await sendCode(context, updated, 'VerifyAttribute', name));
      }
    }
    return { CodeDeliveryDetailsList: list };
  },

  async GetUserAttributeVerificationCode(context, body) {
    const { user } = await authenticateAccessToken(context, body);
    const attribute = requiredString(body, 'AttributeName');
    if ((attribute !== 'email' && attribute !== 'phone_number') || user.attributes[attribute] === undefined) {
      throw new IdentityError('InvalidParameterException', 'The attribute cannot be verified.');
    }
    return { CodeDeliveryDetails: await sendCode(context, user, 'VerifyAttribute', attribute) };
  },

  async VerifyUserAttribute(context, body) {
    const { user } = await authenticateAccessToken(context, body);
    const attribute = requiredString(body, 'AttributeName');
    const code = requiredString(body, 'Code');
    const { attribute: codeAttribute } = await context.pool.consumeCode(
      user.username,
      'VerifyAttribute',
      code,
    );
    if (codeAttribute !== attribute) {
      throw new IdentityError(
        'CodeMismatchException',
        'Invalid verification code provided, please try again.',
      );
    }
    await context.pool.updateAttributes(user.username, { [`${attribute}_verified`]: 'true' });
    return {};
  },

  async ChangePassword(context, body) {
    const { claims, user } = await authenticateAccessToken(context, body);
    const previous = requiredString(body, 'PreviousPassword');
    const proposed = requiredString(body, 'ProposedPassword');
    const key = usernameKey(user.username);
    await context.throttle.assertNotLocked(key);
    if (!(await context.pool.verifyPassword(user.username, previous))) {
      await context.throttle.recordFailure(key);
      throw incorrect();
    }
    await context.pool.setPassword(user.username, proposed, {
      permanent: true,
      keepOriginJti: claims.origin_jti,
    });
    return {};
  },

  async ForgotPassword(context, body) {
    assertClient(context, body);
    const username = requiredString(body, 'Username');
    const user = await context.pool.getUser(username);
    if (!user) {
      if (context.preventUserExistenceErrors) return { CodeDeliveryDetails: decoyDeliveryDetails(username) };
      throw userNotFound();
    }
    if (!user.enabled) throw new IdentityError('NotAuthorizedException', 'User is disabled.');
    const verified =
      (user.attributes['email'] !== undefined && user.attributes['email_verified'] === 'true') ||
      (user.attributes['phone_number'] !== undefined && user.attributes['phone_number_verified'] === 'true');
    if (!verified) {
      throw new IdentityError(
        'InvalidParameterException',
        'Cannot reset password for the user as there is no registered/verified email or phone_number',
      );
    }
    const attribute = user.attributes['email_verified'] === 'true' ? 'email' : 'phone_number';
    return { CodeDeliveryDetails: await sendCode(context, user, 'ForgotPassword', attribute) };
  },

  async ConfirmForgotPassword(context, body) {
    assertClient(context, body);
    const username = requiredString(body, 'Username');
    const code = requiredString(body, 'ConfirmationCode');
    const password = requiredString(body, 'Password');
    const user = await userForCode(context, username);
    assertPasswordPolicy(password, context.pool.passwordPolicy);
    await context.pool.consumeCode(user.username, 'ForgotPassword', code);
    await context.pool.setPassword(user.username, password, { permanent: true });
    await context.throttle.recordSuccess(usernameKey(user.username));
    return {};
  },

  async GlobalSignOut(context, body) {
    const { user } = await authenticateAccessToken(context, body);
    await context.pool.globalSignOut(user.username);
    return {};
  },

  async RevokeToken(context, body) {
    const clientId = assertClient(context, body);
    const token = requiredString(body, 'Token');
    await context.pool.revokeRefreshToken(token, { clientId });
    return {};
  },
} satisfies Record<string, Operation>;

export type UserOperationName = keyof typeof userOperations;
