// Jest runs in native ESM mode (NestJS 12 and Angular ship ESM only), so scripts start it with
// `node --experimental-vm-modules`. SWC strips types and emits the decorator metadata that
// Nest's dependency injection reads.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

import angularPresets from 'jest-preset-angular/presets/index.js';

const aliases = {
  '^@drydock/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const base = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: aliases,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.drydock/'],
};

// The portal's components under TestBed in jsdom: jest-preset-angular compiles them with Angular's
// JIT transform (signal inputs, templateUrl), which SWC cannot do.
const angular = angularPresets.createEsmPreset({
  tsconfig: '<rootDir>/apps/portal/tsconfig.spec.json',
  testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
});

export default {
  // Integration and e2e tests boot real servers; a project-level testTimeout is not honoured, so it is global.
  testTimeout: 120_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,deploy}/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/portal/'],
    },
    // The portal's logic (permissions, problem+json parsing, severity sorting, progress) is plain
    // TypeScript next to its components; it runs in Node without TestBed or a DOM.
    { ...base, displayName: 'portal', testMatch: ['<rootDir>/apps/portal/**/*.spec.ts'] },
    {
      ...angular,
      rootDir: '.',
      displayName: 'component',
      testMatch: ['<rootDir>/apps/portal/**/*.component-spec.ts'],
      moduleNameMapper: { ...angular.moduleNameMapper, ...aliases },
      setupFilesAfterEnv: ['<rootDir>/apps/portal/src/testing/setup.ts'],
      modulePathIgnorePatterns: base.modulePathIgnorePatterns,
    },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'] },
  ],
};
