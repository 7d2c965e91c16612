import type { Config } from 'jest';

// Tests run against the TypeScript sources (no build step): `@portcullis/*` imports are mapped to
// each package's src/index.ts, and jose (ESM-only) is handled by running ts-jest in ESM mode.
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@portcullis/(core|express|koa|testing)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/examples/*/test/**/*.test.ts'],
  collectCoverageFrom: ['packages/*/src/**/*.ts'],
  coverageThreshold: {
    global: {},
    './packages/core/src/': { lines: 95 },
  },
  testTimeout: 30_000,
};

export default config;
