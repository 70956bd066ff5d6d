import { createHash, timingSafeEqual } from 'node:crypto';
import type { EmulatorRequest } from '../http/router.js';

export interface IotCredentials {
  customerId: string;
  keyId: string;
  accessKey: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Equal-length digests make the comparison constant-time whatever the lengths of the two strings. */
function same(given: string | undefined, expected: string): boolean {
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

/**
 * The legacy v4.0 check: `X-Key-Id` and `X-Access-Key` headers plus the tenant's `customerid` query parameter.
 * All three are compared every time, so the answer's timing does not tell which one was wrong.
 */
export function isAuthorised(req: EmulatorRequest, expected: IotCredentials): boolean {
  const results = [
    same(req.headers['x-key-id'], expected.keyId),
    same(req.headers['x-access-key'], expected.accessKey),
    same(req.url.searchParams.get('customerid') ?? undefined, expected.customerId),
  ];
  return results.every(Boolean);
}
