// Renders machines into Entra ID device objects and Intune managed-device records (the two directory services), separate from the IoT Security view of the same machines.
import type { EntraDeviceRecord, ManagedDeviceRecord } from './types.js';
import { formatMac } from './macs.js';
import { DAY, graphTime } from './time.js';
import { FleetStage } from './model.js';
import type { Machine } from './model.js';

const INTUNE_APP_ID = '0000000a-0000-0000-c000-000000000000';

export class DirectoryRenderer extends FleetStage {
  readonly entraDevices: EntraDeviceRecord[] = [];
  readonly managedDevices: ManagedDeviceRecord[] = [];

  renderDirectoryRecords(m: Machine): void {
    if (m.hasEntra) {
      m.entraObjectId = this.rng.uuid();
      m.entraDeviceId = this.rng.uuid();
      this.entraDevices.push(this.entraRecord(m, m.entraObjectId, m.entraDeviceId));
    }
    if (m.hybridTwoEntra) this.renderLeftoverWorkplaceRegistration(m);
    if (m.registeredOnly) return;

    const current = this.managedRecord(m, this.rng.uuid(), m.enrolledAt, m.lastSyncAt);
    m.records.push(current);
    this.managedDevices.push(current);
    if (m.reenrolled) {
      m.supersededLastSyncAt = m.enrolledAt - this.rng.int(1, 10) * DAY - this.rng.int(0, 86_399) * 1000;
      const superseded = this.managedRecord(m, this.rng.uuid(), m.firstEnrolledAt, m.supersededLastSyncAt);
      m.records.push(superseded);
      this.managedDevices.push(superseded);
    }
  }

  private entraRecord(m: Machine, id: string, deviceId: string): EntraDeviceRecord {
    const managed = !m.registeredOnly;
    const serverAd = m.trustType === 'ServerAd';
    return {
      id,
      deviceId,
      displayName: m.deviceName,
      operatingSystem: m.entraOs,
      operatingSystemVersion: m.osVersion,
      trustType: m.trustType,
      accountEnabled: !(m.stale && this.rng.chance(0.2)),
      isCompliant: managed ? ['compliant', 'inGracePeriod', 'configManager'].includes(m.compliance) : null,
      isManaged: managed,
      managementType: managed ? 'MDM' : null,
      deviceOwnership: managed ? m.ownerType : 'unknown',
      enrollmentType: managed ? m.enrollmentType : null,
      profileType: 'RegisteredDevice',
      manufacturer: m.hw.manufacturer,
      model: m.hw.model,
      mdmAppId: managed ? INTUNE_APP_ID : null,
      registrationDateTime: graphTime(m.registeredAt),
      approximateLastSignInDateTime: m.lastSignInAt === null ? null : graphTime(m.lastSignInAt),
      onPremisesSyncEnabled: serverAd ? true : null,
      onPremisesLastSyncDateTime: serverAd ? graphTime(this.now - this.rng.int(60, 7200) * 1000) : null,
      // A hybrid-joined device has no registered owner: the object came from AD, not from a user's sign-in.
      ownerUserId: serverAd ? null : (m.user?.id ?? null),
    };
  }

  /** The Workplace registration a user made before the machine was hybrid joined: same name, never cleaned up. */
  private renderLeftoverWorkplaceRegistration(m: Machine): void {
    const deviceId = this.rng.uuid();
    const registeredAt = m.registeredAt - this.rng.int(20, 400) * DAY - this.rng.int(0, 86_399) * 1000;
    const lastSignInAt = Math.min(registeredAt + this.rng.int(1, 60) * DAY, m.registeredAt);
    m.otherEntraDeviceIds.push(deviceId);
    this.entraDevices.push({
      ...this.entraRecord({ ...m, trustType: 'Workplace', registeredOnly: true, stale: false }, this.rng.uuid(), deviceId),
      deviceOwnership: 'unknown',
      registrationDateTime: graphTime(registeredAt),
      approximateLastSignInDateTime: graphTime(lastSignInAt),
    });
  }

  private managedRecord(m: Machine, id: string, enrolledAt: number, lastSyncAt: number): ManagedDeviceRecord {
    const user = m.user;
    const mobile = m.platform === 'ios' || m.platform === 'android';
    return {
      id,
      userId: user?.id ?? null,
      deviceName: m.deviceName,
      managedDeviceName: managedDeviceName(m, enrolledAt),
      managedDeviceOwnerType: m.ownerType,
      enrolledDateTime: graphTime(enrolledAt),
      lastSyncDateTime: graphTime(lastSyncAt),
      operatingSystem: m.intuneOs,
      osVersion: m.osVersion,
      complianceState: m.compliance,
      jailBroken: mobile ? 'False' : 'Unknown',
      managementAgent: m.managementAgent,
      azureADRegistered: m.hasEntra,
      deviceEnrollmentType: m.enrollmentType,
      azureADDeviceId: m.entraDeviceId,
      deviceRegistrationState: m.hasEntra ? 'registered' : 'notRegistered',
      deviceCategoryDisplayName: m.facts.deviceCategory,
      isSupervised: m.isSupervised,
      isEncrypted: m.facts.isEncrypted,
      emailAddress: user?.mail ?? null,
      userPrincipalName: user?.userPrincipalName ?? null,
      userDisplayName: user?.displayName ?? null,
      model: m.hw.model,
      manufacturer: m.hw.manufacturer,
      serialNumber: m.serialNumber,
      imei: m.facts.imei,
      meid: '',
      phoneNumber: m.facts.phoneNumber,
      wiFiMacAddress: m.wifi === null ? null : formatMac(m.wifi, m.wifiStyle),
      ethernetMacAddress: m.ethernet === null ? null : formatMac(m.ethernet, m.ethernetStyle),
      iccid: m.facts.iccid,
      udid: m.facts.udid,
      notes: m.facts.notes,
      physicalMemoryInBytes: m.facts.physicalMemoryInBytes,
      totalStorageSpaceInBytes: m.facts.totalStorageSpaceInBytes,
      freeStorageSpaceInBytes: m.facts.freeStorageSpaceInBytes,
    };
  }
}

/** Intune's own naming: `upnprefix_Windows_3/15/2024_2:22 PM` (the enrolment time). */
function managedDeviceName(m: Machine, enrolledAt: number): string {
  const at = new Date(enrolledAt);
  const hours = at.getUTCHours();
  const stamp = `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()}_${hours % 12 || 12}:${String(at.getUTCMinutes()).padStart(2, '0')} ${hours < 12 ? 'AM' : 'PM'}`;
  const prefix = m.user ? m.user.userPrincipalName.split('@')[0]! : m.serialNumber;
  return `${prefix}_${m.managedNameToken}_${stamp}`;
}
