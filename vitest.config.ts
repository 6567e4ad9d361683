import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Pothos (loaded by Node) builds the schema with graphql's CommonJS build; source files must get
    // the same copy, or graphql refuses types made by "another" graphql.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    globalSetup: ['test/helpers/globalSetup.ts'],
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    // expect.poll (the browser tests) waits for a page to settle: on a busy 2-core machine (the
    // national demo loading in a parallel file) that can take over the default 1 s.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
    env: { LOG_LEVEL: 'warn', NODE_ENV: 'test' },
  },
});
