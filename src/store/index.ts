/** The store's public surface: everything outside src/store imports from here. */
export { allDevices } from './allDevices.js';
export { StoreInputError } from './errors.js';
export { openSqliteStore } from './sqliteStore.js';
export { MAX_PAGE_SIZE } from './types.js';
export type * from './types.js';
