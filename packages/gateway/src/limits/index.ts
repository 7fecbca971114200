// The limit algorithms and the in-memory store (the Redis store lives in redis-*.ts).
export * from './types.js';
export * from './leaky-bucket.js';
export * from './concurrency.js';
export * from './quota.js';
export * from './combine.js';
export { BoundedKeyTable, KeyTableEntry, type KeyTablePolicy } from './bounded-key-table.js';
export { MemoryLimitStore, DEFAULT_MAX_KEYS, type MemoryLimitStoreOptions } from './memory-store.js';
