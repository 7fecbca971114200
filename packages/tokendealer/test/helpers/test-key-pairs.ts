import { createPrivateKey, createPublicKey } from 'node:crypto';
import { generateKeyPairInBackground, type KeyPairGenerator } from '../../src/keys/algorithms.js';
import { RSA_TEST_KEYS } from './rsa-test-keys.js';

let next = 0;

/** RSA key pairs from the fixed test set, in turn; the other algorithms' keys are generated (that is fast). */
export const testKeyPairs: KeyPairGenerator = async (alg) => {
  if (alg !== 'RS256' && alg !== 'PS256') return generateKeyPairInBackground(alg);
  const privateKey = createPrivateKey(RSA_TEST_KEYS[next++ % RSA_TEST_KEYS.length]!);
  return { privateKey, publicKey: createPublicKey(privateKey) };
};
