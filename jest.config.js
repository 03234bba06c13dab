// One jest run for the whole monorepo, in three projects:
//   unit    *.spec.ts          logic on plain values, in-process only (no Redis, PostgreSQL, Orthanc, DICOM tools)
//   medium  *.medium.spec.ts   against real parts: Redis, PostgreSQL, SQLite files, dcmtk, dicom3tools, GDCM,
//                              pydicom, Orthanc, onnxruntime, phantoms analysed end to end
//   e2e     test/*.e2e.spec.ts whole `nidus` processes
// libs/testing (@nidus/testing) holds the helpers of the last two.

// @nidus/<lib> is libs/<lib>/src (@nidus/analyses/ctp is libs/analyses/ctp/src), as in tsconfig.json's paths.
const common = {
  testEnvironment: 'node',
  // ts-jest with the hot globals bound per module (libs/testing/src/jest/context-globals.transformer.js says why)
  transform: { '^.+\\.ts$': ['<rootDir>/libs/testing/src/jest/context-globals.transformer.js', { isolatedModules: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^@nidus/(.+)$': '<rootDir>/libs/$1/src' },
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.medium\\.spec\\.ts$', '\\.e2e\\.spec\\.ts$', '/node_modules/'],
    },
    { ...common, displayName: 'medium', roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'], testMatch: ['**/*.medium.spec.ts'] },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e.spec.ts'] },
  ],
  testTimeout: 60000,
  // A test that leaves a handle open must not hang CI; the suites close what they open (see afterAll hooks).
  forceExit: true,
  reporters: ['default', '<rootDir>/libs/testing/src/jest/count-reporter.js'],
};
