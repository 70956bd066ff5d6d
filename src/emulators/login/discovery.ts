import type { EmulatorReply, EmulatorRequest } from '../http/router.js';
import { aadstsReply, stsErrors } from './aadstsErrors.js';
import type { TokenAuthority } from './authority.js';

/** Tenant-independent authorities a client may name instead of a tenant id or domain. */
const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

const JSON_UTF8 = { 'Content-Type': 'application/json; charset=utf-8' };

/**
 * The tenant segment to put in discovery documents: Entra answers a domain with the tenant's id, and
 * leaves the multi-tenant aliases as they are. Undefined for a tenant it does not know.
 */
function canonicalTenant(authority: TokenAuthority, tenant: string): string | undefined {
  if (authority.isTenant(tenant)) return authority.tenantId;
  if (MULTI_TENANT.has(tenant.toLowerCase())) return tenant.toLowerCase();
  return undefined;
}

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration`, shaped like the recorded Entra document, with every
 * endpoint on the origin the client used, so msal's OIDC discovery leads it back to this emulator.
 */
export function openIdConfiguration(authority: TokenAuthority, req: EmulatorRequest): EmulatorReply {
  const requested = req.params.tenant ?? '';
  const tenant = canonicalTenant(authority, requested);
  if (!tenant) return aadstsReply(stsErrors.tenantNotFound(requested), req);
  const base = `${req.url.origin}/${tenant}`;
  const issuerTenant = authority.isTenant(tenant) ? tenant : '{tenantid}';
  return {
    status: 200,
    headers: JSON_UTF8,
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${req.url.origin}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat',
        'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email',
      ],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'WW',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    },
  };
}

/** `GET /{tenant}/discovery/v2.0/keys`: the public keys tokens are signed with. */
export function signingKeys(authority: TokenAuthority, req: EmulatorRequest): EmulatorReply {
  const requested = req.params.tenant ?? '';
  if (!canonicalTenant(authority, requested)) return aadstsReply(stsErrors.tenantNotFound(requested), req);
  return { status: 200, headers: JSON_UTF8, body: authority.jwks() };
}

/**
 * `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=…`: cloud instance discovery.
 * The only alias is the host:port the client used, so msal treats this emulator as its own cloud.
 */
export function instanceDiscovery(req: EmulatorRequest): EmulatorReply {
  let tenant = 'common';
  const authorize = req.url.searchParams.get('authorization_endpoint');
  if (authorize) {
    try {
      tenant = new URL(authorize).pathname.split('/')[1] || tenant;
    } catch {
      // Not a URL: answer for the common authority rather than fail discovery over a hint.
    }
  }
  const host = req.url.host;
  return {
    status: 200,
    headers: JSON_UTF8,
    body: {
      tenant_discovery_endpoint: `${req.url.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}
