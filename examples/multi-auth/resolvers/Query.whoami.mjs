// ctx.identity has AppSync's shape for the caller's mode.
export default function whoami(ctx) {
  const identity = ctx.identity ?? {};
  return {
    username: identity.username ?? identity.sub ?? identity.resolverContext?.user ?? null,
    groups: identity.groups ?? null,
  };
}
