export default async function stats(ctx) {
  let count = 0;
  let nextToken = null;
  do {
    const page = await ctx.tables.Posts.scan({ limit: 500, nextToken });
    count += page.items.length;
    nextToken = page.nextToken;
  } while (nextToken);
  return { posts: count };
}
