export * from './identity.js';
export * from './permissions.js';
export * from './problem.js';
export * from './scanning.js';
export * from './billing.js';
export * from './registry.js';
export * from './vulndb.js';
