import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir; `remove()` deletes it and everything in it. */
export interface TempDir {
  readonly path: string;
  /** Writes `contents` (a string, or JSON for anything else) to `name` inside the dir; returns its path. */
  write(name: string, contents: unknown): Promise<string>;
  remove(): Promise<void>;
}

export async function createTempDir(prefix = 'gatehouse-e2e-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async write(name, contents) {
      const file = join(path, name);
      const text = typeof contents === 'string' ? contents : `${JSON.stringify(contents, null, 2)}\n`;
      await writeFile(file, text);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
