import base from './jest.config.js';

/** `npm run test:faults`: the fault scenarios at full scale, one at a time (they restart their servers). */
export default {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testPathIgnorePatterns: [],
  testTimeout: 900_000,
  maxWorkers: 1,
};
