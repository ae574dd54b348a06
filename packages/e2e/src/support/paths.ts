import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export const exampleDir = join(repoRoot, 'examples', 'multi-auth');
export const exampleConfig = join(exampleDir, 'gatehouse.config.json');
export const exampleSchema = join(exampleDir, 'schema.graphql');
export const exampleResolvers = join(exampleDir, 'resolvers');

/** The built `gatehouse` executable; `npm test` builds it before vitest runs. */
export const cliBin = join(repoRoot, 'packages', 'cli', 'dist', 'bin.js');

/** Throws a message saying what to run when the CLI has not been built. */
export function assertCLIBuilt(): void {
  if (!existsSync(cliBin)) {
    throw new Error(
      `The gatehouse CLI is not built: "${cliBin}" is missing. Run "npm run build" first ("npm test" does).`,
    );
  }
}
