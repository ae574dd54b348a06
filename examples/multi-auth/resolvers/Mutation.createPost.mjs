export default async function createPost(ctx) {
  const identity = ctx.identity ?? {};
  const post = {
    id: ctx.util.autoId(),
    title: ctx.arguments.title,
    body: ctx.arguments.body ?? null,
    author: identity.username ?? identity.resolverContext?.user ?? null,
    createdAt: ctx.util.time.nowISO8601(),
  };
  if (post.title.trim() === '') ctx.util.error('A post needs a title.', 'ValidationError');
  await ctx.tables.Posts.put(post, { condition: { id: { attributeExists: false } } });
  return post;
}
