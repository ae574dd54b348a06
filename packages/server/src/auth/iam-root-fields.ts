/**
 * IAM policies on root fields (appsync-auth.md §3.4 step 7, E13), with each answer kept beside the
 * frozen principal it was given for: a policy's answer for a field never changes, and a frozen
 * principal's policy is frozen with it.
 */
import { assertRootFieldsAllowed, authError, isRootFieldAllowed } from '@gatehouse/core';
import type { Authenticated, IAMAPIScope, Principal } from '@gatehouse/core';
import type { RootField } from '../graphql/root-fields.js';

/** Throws E13 unless the IAM caller's policy allows every root field; other modes pass. */
export type IAMRootFieldCheck = (authenticated: Authenticated, fields: readonly RootField[]) => void;

export function createIAMRootFieldCheck(api: IAMAPIScope): IAMRootFieldCheck {
  const answers = new WeakMap<Principal, Map<string, boolean>>();
  return (authenticated, fields) => {
    const { principal } = authenticated;
    if (principal.mode !== 'AWS_IAM') return;
    if (!Object.isFrozen(principal) || !Object.isFrozen(principal.policy)) {
      assertRootFieldsAllowed(principal.policy, api, fields);
      return;
    }
    let known = answers.get(principal);
    if (known === undefined) {
      known = new Map();
      answers.set(principal, known);
    }
    for (const { typeName, fieldName } of fields) {
      const key = `${typeName}.${fieldName}`;
      let allowed = known.get(key);
      if (allowed === undefined) {
        allowed = isRootFieldAllowed(principal.policy, api, typeName, fieldName);
        known.set(key, allowed);
      }
      if (!allowed) throw authError('ERR_IAM_PERMISSION_DENIED');
    }
  };
}
