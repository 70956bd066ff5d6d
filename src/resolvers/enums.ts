import type {
  ComplianceStateResolvers,
  ConfidenceResolvers,
  EnrollmentTypeResolvers,
  MacClassResolvers,
  MacRoleResolvers,
  MatchRuleResolvers,
  MatchStatusResolvers,
  RefreshStatusResolvers,
  SyncActionResolvers,
  SyncItemOutcomeResolvers,
  SyncPhaseResolvers,
  SyncStatusResolvers,
  SourceKindResolvers,
  TrustTypeResolvers,
  UnmatchedReasonResolvers,
} from '../__generated__/resolvers-types.js';

// GraphQL enum names → the values the domain and wire models hold. The generated types pin each value, so a
// drift from codegen.yml fails the typecheck.

export const SourceKind: SourceKindResolvers = { ENTRA: 'entra', INTUNE: 'intune', IOT: 'iot' };
export const MatchStatus: MatchStatusResolvers = { MATCHED: 'matched', UNMATCHED: 'unmatched', AMBIGUOUS: 'ambiguous', IOT_ONLY: 'iot-only' };
export const UnmatchedReason: UnmatchedReasonResolvers = {
  NO_MAC: 'no-mac',
  ONLY_RANDOMIZED_MAC: 'only-randomized-mac',
  ONLY_PLACEHOLDER_MAC: 'only-placeholder-mac',
  MAC_SHARED: 'mac-shared',
  NOT_SEEN_BY_IOT: 'not-seen-by-iot',
  NO_INTUNE_RECORD: 'no-intune-record',
  STATIC_IP_ASSET: 'static-ip-asset',
  NO_IDENTIFYING_MAC: 'no-identifying-mac',
  NOT_CLAIMED: 'not-claimed',
};
export const MatchRule: MatchRuleResolvers = {
  ENTRA_INTUNE_DEVICE_ID: 'entra-intune-device-id',
  ENTRA_DUAL_STATE_NAME: 'entra-dual-state-name',
  INTUNE_IOT_ETHERNET_MAC: 'intune-iot-ethernet-mac',
  INTUNE_IOT_WIFI_MAC: 'intune-iot-wifi-mac',
  INTUNE_DUPLICATE_DEVICE_ID: 'intune-duplicate-device-id',
};
export const Confidence: ConfidenceResolvers = { HIGH: 'high', MEDIUM: 'medium' };
export const MacRole: MacRoleResolvers = { ETHERNET: 'ethernet', WIFI: 'wifi', IOT: 'iot' };
export const MacClass: MacClassResolvers = {
  GLOBAL: 'global',
  RANDOMIZED: 'randomized',
  PLACEHOLDER: 'placeholder',
  MULTICAST: 'multicast',
  INVALID: 'invalid',
  SHARED: 'shared',
};
export const RefreshStatus: RefreshStatusResolvers = { RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed' };
export const SyncStatus: SyncStatusResolvers = { PLANNING: 'planning', APPLYING: 'applying', SUCCEEDED: 'succeeded', FAILED: 'failed', INTERRUPTED: 'interrupted' };
export const SyncPhase: SyncPhaseResolvers = { FETCHING: 'fetching', PLANNING: 'planning', APPLYING: 'applying', DONE: 'done' };
export const SyncAction: SyncActionResolvers = { UPDATE: 'update', CREATE: 'create', SKIP: 'skip' };
export const SyncItemOutcome: SyncItemOutcomeResolvers = { PLANNED: 'planned', APPLIED: 'applied', FAILED: 'failed', SKIPPED: 'skipped' };
export const TrustType: TrustTypeResolvers = { WORKPLACE: 'Workplace', AZURE_AD: 'AzureAd', SERVER_AD: 'ServerAd', UNKNOWN: 'unknown' };
export const ComplianceState: ComplianceStateResolvers = {
  UNKNOWN: 'unknown',
  COMPLIANT: 'compliant',
  NONCOMPLIANT: 'noncompliant',
  CONFLICT: 'conflict',
  ERROR: 'error',
  IN_GRACE_PERIOD: 'inGracePeriod',
  CONFIG_MANAGER: 'configManager',
};
export const EnrollmentType: EnrollmentTypeResolvers = {
  UNKNOWN: 'unknown',
  USER_ENROLLMENT: 'userEnrollment',
  DEVICE_ENROLLMENT_MANAGER: 'deviceEnrollmentManager',
  APPLE_BULK_WITH_USER: 'appleBulkWithUser',
  APPLE_BULK_WITHOUT_USER: 'appleBulkWithoutUser',
  WINDOWS_AZURE_AD_JOIN: 'windowsAzureADJoin',
  WINDOWS_BULK_USERLESS: 'windowsBulkUserless',
  WINDOWS_AUTO_ENROLLMENT: 'windowsAutoEnrollment',
  WINDOWS_BULK_AZURE_DOMAIN_JOIN: 'windowsBulkAzureDomainJoin',
  WINDOWS_CO_MANAGEMENT: 'windowsCoManagement',
  WINDOWS_AZURE_AD_JOIN_USING_DEVICE_AUTH: 'windowsAzureADJoinUsingDeviceAuth',
  APPLE_USER_ENROLLMENT: 'appleUserEnrollment',
  APPLE_USER_ENROLLMENT_WITH_SERVICE_ACCOUNT: 'appleUserEnrollmentWithServiceAccount',
  UNKNOWN_FUTURE_VALUE: 'unknownFutureValue',
};
