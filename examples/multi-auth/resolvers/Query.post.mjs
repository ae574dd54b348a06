export default async function post(ctx) {
  return (await ctx.tables.Posts.get({ id: ctx.arguments.id })) ?? null;
}
