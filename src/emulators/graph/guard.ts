import type { EmulatorReply, EmulatorRequest, Handler } from '../http/router.js';
import { WindowLimiter } from '../http/throttle.js';
import type { TokenAuthority, VerifyResult } from '../login/authority.js';
import { graphError, intuneError, throttledReply } from './errors.js';

/** Which Graph workload serves a route: each has its own permissions, throttling and error style. */
export type Family = 'directory' | 'intune';

/** The app behind a verified token, as the route handlers need it. */
export interface Caller {
  appId: string;
  tenantId: string;
  roles: ReadonlySet<string>;
}

export type GuardedHandler = (req: EmulatorRequest, caller: Caller) => EmulatorReply | Promise<EmulatorReply>;

export interface Limit {
  limit: number;
  windowMs: number;
}

export interface ThrottleOptions {
  /** Intune, per app per tenant. */
  intune?: Limit;
  /** Intune, per tenant across apps. */
  intuneTenant?: Limit;
  /** Directory resource units per app+tenant. */
  directory?: Limit;
}

/** Published limits (FACTS §4): Intune 2000/20 s per app and 4000/20 s per tenant; directory L-size 8000 RU/10 s. */
const DEFAULT_LIMITS = {
  intune: { limit: 2000, windowMs: 20_000 },
  intuneTenant: { limit: 4000, windowMs: 20_000 },
  directory: { limit: 8000, windowMs: 10_000 },
} as const satisfies Required<ThrottleOptions>;

/** Application permissions that let an app read each workload (least privileged first). */
const READ_ROLES: Record<Family, readonly string[]> = {
  directory: ['Device.Read.All', 'Device.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  intune: ['DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.ReadWrite.All'],
};

/** Reading a device's owners beyond `@odata.type` and `id` needs one of these. */
const USER_READ_ROLES = ['User.Read.All', 'User.ReadWrite.All', 'User.ReadBasic.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

export function canReadUsers(caller: Caller): boolean {
  return USER_READ_ROLES.some((r) => caller.roles.has(r));
}

/** GET of any path the cost table does not list costs 1 RU; the emulator charges every directory call that. */
const DIRECTORY_COST = 1;

const TOKEN_FAILURES: Record<Exclude<VerifyResult, { ok: true }>['reason'], string> = {
  empty: 'Access token is empty.',
  expired: 'Lifetime validation failed, the token is expired.',
  invalid: 'Access token validation failure.',
  audience: 'Access token validation failure. Invalid audience.',
};

/** Fractional seconds like Graph's `2.128`, never below one so clients that truncate do not spin. */
function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 100) / 10);
}

export interface Guard {
  /** Token, then permission for the family, then its throttling budget, then the handler. */
  guarded(family: Family, handler: GuardedHandler): Handler;
  /** Token only: for the $batch envelope, whose items are admitted one by one. */
  authenticated(handler: GuardedHandler): Handler;
  reset(): void;
}

/**
 * Graph's front door. Authentication comes first (401s spend no budget, as the caller is unknown), then
 * authorisation, then throttling, so an app without the permission cannot exhaust a workload's budget.
 */
export function createGuard(authority: TokenAuthority, throttle: ThrottleOptions = {}): Guard {
  const limiters = {
    intune: new WindowLimiter(throttle.intune ?? DEFAULT_LIMITS.intune),
    intuneTenant: new WindowLimiter(throttle.intuneTenant ?? DEFAULT_LIMITS.intuneTenant),
    directory: new WindowLimiter(throttle.directory ?? DEFAULT_LIMITS.directory),
  };

  async function authenticate(req: EmulatorRequest): Promise<Caller | EmulatorReply> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const verified = await authority.verify(m?.[1]);
    if (!verified.ok) {
      return graphError(401, 'InvalidAuthenticationToken', TOKEN_FAILURES[verified.reason], req, {
        'WWW-Authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      });
    }
    return { appId: verified.claims.appid, tenantId: verified.claims.tid, roles: new Set(verified.claims.roles ?? []) };
  }

  function forbidden(family: Family, req: EmulatorRequest): EmulatorReply {
    if (family === 'directory') return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', req);
    return intuneError(
      403,
      'Forbidden',
      `Application is not authorized to perform this operation. Application must have one of the following scopes: ${READ_ROLES.intune.join(', ')}`,
      req,
    );
  }

  function throttled(family: Family, caller: Caller, req: EmulatorRequest): EmulatorReply | undefined {
    if (family === 'intune') {
      const byApp = limiters.intune.take(`${caller.tenantId}/${caller.appId}`);
      if (!byApp.ok) return throttledReply(req, retryAfterSeconds(byApp.retryAfterMs));
      const byTenant = limiters.intuneTenant.take(caller.tenantId);
      return byTenant.ok ? undefined : throttledReply(req, retryAfterSeconds(byTenant.retryAfterMs));
    }
    const taken = limiters.directory.take(`${caller.appId}/${caller.tenantId}`, DIRECTORY_COST);
    if (taken.ok) return undefined;
    return throttledReply(req, retryAfterSeconds(taken.retryAfterMs), {
      'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${caller.appId}/${caller.tenantId}`,
      'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
    });
  }

  return {
    guarded: (family, handler) => async (req) => {
      const caller = await authenticate(req);
      if (!('appId' in caller)) return caller;
      if (!READ_ROLES[family].some((r) => caller.roles.has(r))) return forbidden(family, req);
      const reply = throttled(family, caller, req) ?? (await handler(req, caller));
      if (family !== 'directory') return reply;
      return { ...reply, headers: { ...reply.headers, 'x-ms-resource-unit': String(DIRECTORY_COST) } };
    },
    authenticated: (handler) => async (req) => {
      const caller = await authenticate(req);
      return 'appId' in caller ? handler(req, caller) : caller;
    },
    reset: () => {
      for (const limiter of Object.values(limiters)) limiter.reset();
    },
  };
}
