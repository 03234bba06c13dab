// One jest run for the whole monorepo. Medium tests (real Redis, PostgreSQL, sockets, DICOM tools)
// live beside unit tests; libs/testing holds their helpers.
const libs = ['config', 'observability', 'dicom', 'dicom-net', 'imaging', 'inference', 'perfusion', 'persistence', 'delivery', 'pipeline', 'auth', 'testing'];
const moduleNameMapper = Object.fromEntries(libs.map((name) => [`^@nidus/${name}$`, `<rootDir>/libs/${name}/src`]));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper,
  testTimeout: 60000,
  // A test that leaves a handle open must not hang CI; the suites close what they open (see afterAll hooks).
  forceExit: true,
  reporters: ['default', '<rootDir>/libs/testing/src/jest/count-reporter.js'],
};
