import { randomBytes } from 'node:crypto';

export type VerificationResult = { ok: true } | { ok: false; reason: 'not 200' | 'challenge mismatch' };

/**
 * Strava's subscription handshake: `GET callback?hub.mode=subscribe&hub.challenge=X&hub.verify_token=T`
 * must answer 200 with `{"hub.challenge": "X"}` within the timeout (2 s on Strava).
 */
export async function verifyCallback(callbackUrl: string, verifyToken: string, timeoutMs: number): Promise<VerificationResult> {
  const challenge = randomBytes(12).toString('hex');
  const url = new URL(callbackUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { ok: false, reason: 'not 200' };
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'challenge mismatch' };
    }
    const echoed = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['hub.challenge'] : undefined;
    return echoed === challenge ? { ok: true } : { ok: false, reason: 'challenge mismatch' };
  } catch {
    return { ok: false, reason: 'not 200' };
  }
}
