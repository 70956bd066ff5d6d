import { randomUUID } from 'node:crypto';
import type { EmulatorReply, EmulatorRequest } from '../http/router.js';

/** One STS failure: the OAuth `error`, the AADSTS number and its text, and the HTTP status it travels with. */
export interface AadstsError {
  status: number;
  error: string;
  code: number;
  description: string;
}

/** `2016-01-09 02:02:12Z`, the STS's own timestamp format (not ISO 8601). */
function stsTimestamp(date = new Date()): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The client's correlation id: msal sends it as a query parameter, other clients as a header. */
export function correlationId(req: EmulatorRequest): string | undefined {
  return req.url.searchParams.get('client-request-id') ?? req.headers['client-request-id'];
}

/** The body every STS error has, with the trace/correlation/timestamp trailer msal copies into its message. */
export function aadstsReply(err: AadstsError, req: EmulatorRequest, headers: Record<string, string> = {}): EmulatorReply {
  const timestamp = stsTimestamp();
  const correlation = correlationId(req) ?? randomUUID();
  return {
    status: err.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: {
      error: err.error,
      error_description: `AADSTS${err.code}: ${err.description}\r\nTrace ID: ${req.requestId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [err.code],
      timestamp,
      trace_id: req.requestId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${err.code}`,
    },
  };
}

/**
 * The failures the token endpoint reproduces. Texts follow what Entra sends (community-recorded, see
 * FACTS §6). None of them quotes a credential back: only ids, thumbprints and parameter names.
 */
export const stsErrors = {
  tenantNotFound: (tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 90002,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  missingParameter: (name: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    description: `The request body must contain the following parameter: '${name}'.`,
  }),
  postOnly: (method: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 900561,
    description: `The endpoint only accepts POST requests. Received a ${method} request.`,
  }),
  unsupportedGrant: (grant: string): AadstsError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    description: `The app requested an unsupported grant type '${grant}'.`,
  }),
  appNotFound: (clientId: string, tenant: string): AadstsError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  missingCredential: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  invalidSecret: (clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  assertionMalformed: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: 'Client assertion failed signature validation.',
  }),
  assertionKeyNotFound: (clientId: string, thumbprint: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
  }),
  assertionBadSignature: (thumbprint: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumbprint}']`,
  }),
  assertionClientMismatch: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    description: "Client assertion application identifier doesn't match 'client_id' parameter.",
  }),
  assertionAudience: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700023,
    description: 'Client assertion audience claim does not match Realm issuer.',
  }),
  assertionTime: (now: Date, validFrom: Date, expires: Date): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    description: `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${validFrom.toISOString()}, expiry time of assertion ${expires.toISOString()}.`,
  }),
  invalidScope: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    description: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  /** Graph named without `/.default` (e.g. `https://graph.microsoft.com/User.Read`): client credentials take only `.default`. */
  scopeNeedsDefault: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  transient: (): AadstsError => ({
    status: 503,
    error: 'temporarily_unavailable',
    code: 90033,
    description: 'A transient error has occurred. Please try again.',
  }),
};
