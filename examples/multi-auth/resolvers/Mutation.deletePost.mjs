export default async function deletePost(ctx) {
  const deleted = await ctx.tables.Posts.delete({ id: ctx.arguments.id });
  if (!deleted) ctx.util.error(`No post has id "${ctx.arguments.id}".`, 'NotFound');
  return deleted;
}
