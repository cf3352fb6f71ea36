export * from './errors.js';
export { statusCodeOf, messageOf } from './status.js';
