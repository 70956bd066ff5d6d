import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One graphql for the whole process, as under node/tsx: Vite would otherwise give our sources graphql's ESM
    // build while @apollo/server loads its CommonJS one, and types or errors crossing between the two fail
    // graphql's instanceof checks ("Cannot use GraphQLObjectType from another module or realm").
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: each file starts its own emulators, so a small pool keeps ports and CPU calm.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
