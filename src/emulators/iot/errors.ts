import { STATUS_CODES } from 'node:http';
import { json, type EmulatorReply } from '../http/router.js';

/**
 * The `msg` IoT Security sends with each status, body `{code, msg}` (pan.dev ErrorResponse).
 * 400/403/429/500 are the spec's own example texts, verbatim. 404/503/504 have no published text:
 * those three are ours, written in the same "<Reason>. <Explanation>." style.
 */
const MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad Request. This occurs when an HTTP request contains an invalid query string.',
  403: 'Forbidden access. Either the provided API key is invalid or it does not have the required RBAC permissions to run this API.',
  404: 'Not Found. The requested resource was not found.',
  // The only attested 429 text names device details even though it is the generic rate-limit answer;
  // we send it for every throttled route, list included, rather than invent a second text.
  429: 'Too many requests. The number of requests for device details for a single device exceeded the rate limit of 180 queries per minute per tenant.',
  500: 'Internal server error. A unified status for API communication type errors.',
  503: 'Service unavailable. The IoT Security service is temporarily unable to handle the request.',
  504: 'Gateway timeout. The IoT Security service did not answer in time.',
};

export function iotError(status: number): EmulatorReply {
  return json(status, { code: status, msg: MESSAGES[status] ?? `${STATUS_CODES[status] ?? 'Error'}.` });
}

/** One JSON-Schema-validator finding, as the IoT API reports body validation failures. */
export interface ValidationIssue {
  property: string;
  message: string;
}

/**
 * 400 for a request body that fails schema validation. Only `validations.body[i].property`
 * (e.g. `instance.deviceidlist`) is attested (pan-iot-security-python tests); `message` follows the
 * wording of the Node `jsonschema` validator that the `instance.` prefix points to.
 */
export function validationReply(issues: readonly ValidationIssue[]): EmulatorReply {
  return json(400, { validations: { body: issues } });
}
