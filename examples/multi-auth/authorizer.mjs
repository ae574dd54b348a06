// A local Lambda authorizer with AppSync's event and response.
// "custom-<name>" tokens are allowed as <name>; "custom-reader-<name>" may not create posts;
// "custom-deny" is refused.
export async function handler(event) {
  const token = event.authorizationToken;
  if (token === 'custom-deny') return { isAuthorized: false };
  const reader = token.startsWith('custom-reader-');
  const name = token.slice(reader ? 'custom-reader-'.length : 'custom-'.length);
  return {
    isAuthorized: true,
    resolverContext: { user: name },
    deniedFields: reader ? ['Mutation.createPost'] : [],
    ttlOverride: 60,
  };
}
