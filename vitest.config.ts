import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@gatehouse/core': src('core'),
      '@gatehouse/server': src('server'),
      '@gatehouse/identity': src('identity'),
      '@gatehouse/cli': src('cli'),
      '@gatehouse/client': src('client'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
