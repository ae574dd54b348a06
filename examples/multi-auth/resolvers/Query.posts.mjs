export default async function posts(ctx) {
  const { items } = await ctx.tables.Posts.scan({ limit: 100 });
  return items.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
}
