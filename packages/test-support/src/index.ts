export { startTestTokenDealer, type ServiceClient, type TestTokenDealer } from './token-dealer.js';
export { TEST_BACKENDS, type TestBackend, type TestDatabase } from '@runnerly/database/testing';
