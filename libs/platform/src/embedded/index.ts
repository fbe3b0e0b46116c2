export * from './embedded-services.js';
export * from './free-port.js';
