import type { IncomingMessage, ServerResponse } from 'node:http';
import { authRefusal, forbidden, type HttpRefusal } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Authenticator } from './authenticate.js';
import { CredentialError } from './errors.js';
import type { Principal } from './principal.js';
import { hasRole, type Role } from './roles.js';

/** Who made each request, for the request log line written after the answer. */
const principals = new WeakMap<IncomingMessage, Principal>();

export function principalOf(req: IncomingMessage): Principal | undefined {
  return principals.get(req);
}

function send(res: ServerResponse, refusal: HttpRefusal): void {
  res.writeHead(refusal.status, { ...refusal.headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(refusal.body));
}

/**
 * Authenticates a request before its body is read. When the credential is missing or refused (401), Entra's keys
 * are out of reach (503), or `needed` is a role the caller lacks (403), the answer is sent here and the result is
 * null; `res.statusCode` says which. GraphQL requests pass no `needed`: the authorization plugin checks each
 * operation, once it is parsed.
 */
export async function authenticateHttp(auth: Authenticator, req: IncomingMessage, res: ServerResponse, log: Logger, needed?: Role): Promise<Principal | null> {
  let principal: Principal;
  try {
    principal = await auth.authenticate(req.headers);
  } catch (err) {
    const refusal = authRefusal(err);
    if (refusal === null) throw err;
    if (err instanceof CredentialError) log.info({ reason: err.reason, ...err.logFields }, 'credential refused');
    else log.warn({ err }, 'Entra ID signing keys unavailable; bearer token not checked');
    send(res, refusal);
    return null;
  }
  principals.set(req, principal);
  if (needed !== undefined && !hasRole(principal.role, needed)) {
    const err = forbidden(`${(req.url ?? '').split('?')[0]} needs the ${needed} role; ${principal.name} has ${principal.role ? `the ${principal.role} role` : 'no gateway role'}`);
    send(res, { status: 403, headers: {}, body: { errors: [{ message: err.message, extensions: { code: err.code } }] } });
    return null;
  }
  return principal;
}
