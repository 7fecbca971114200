export { startTestTokenDealer, type ServiceClient, type TestTokenDealer } from './token-dealer.js';
export { launchChromium, chromiumMissing, CHROMIUM_PATH, type TestBrowser } from './chromium.js';
export { freePort } from './free-port.js';
export { readOutbox, waitForMail, type OutboxMessage } from './outbox.js';
export { TEST_BACKENDS, type TestBackend, type TestDatabase } from '@runnerly/database/testing';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@runnerly/tracing/testing';
