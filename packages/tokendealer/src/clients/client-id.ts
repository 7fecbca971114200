/**
 * What a client id can look like: ours are 22 base64url characters (randomIdentifier(16)); up to
 * 64 leaves room for ids made elsewhere. Only such ids are counted per client by the failure
 * throttle and looked up in the database when not in memory, so that input of any other shape
 * costs neither memory nor a query.
 */
const WELL_FORMED_CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isWellFormedClientId(clientId: string): boolean {
  return WELL_FORMED_CLIENT_ID.test(clientId);
}
