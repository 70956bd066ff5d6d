/**
 * The gateway's two roles. `reader` runs queries; `operator` also changes things (syncDevices writes to IoT
 * Security, refreshInventory spends the tenant's Graph budget) and reads the sync ledger's per-item details, which
 * name every device and attribute a run touched.
 */
export type Role = 'reader' | 'operator';

export const ROLES: readonly Role[] = ['reader', 'operator'];

const RANK: Record<Role, number> = { reader: 1, operator: 2 };

export function isRole(value: unknown): value is Role {
  return value === 'reader' || value === 'operator';
}

/** Operator includes reader. */
export function hasRole(held: Role | null, needed: Role): boolean {
  return held !== null && RANK[held] >= RANK[needed];
}

/**
 * The gateway role an Entra ID token grants, from its `roles` claim (app roles assigned to the user, or granted to
 * the client app). The highest one wins; values the gateway does not know (other apps' roles) are ignored.
 */
export function roleFromAppRoles(claim: unknown, appRoles: { reader: string; operator: string }): Role | null {
  const values = Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : [];
  if (values.includes(appRoles.operator)) return 'operator';
  if (values.includes(appRoles.reader)) return 'reader';
  return null;
}

/**
 * The role a root field needs. Every mutation, including ones added later, needs operator unless listed here as
 * harmless (none is yet): a new mutation that forgets to declare its role fails closed. Introspection (`__schema`,
 * `__type`, `__typename`) needs only a credential: it shows the schema, which holds no data.
 */
export function roleForRootField(operation: 'query' | 'mutation' | 'subscription', field: string): Role | null {
  if (field.startsWith('__')) return null;
  return operation === 'query' ? 'reader' : 'operator';
}
