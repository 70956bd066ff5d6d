import type { AttributeName } from '../correlate/model.js';
import { ATTRIBUTE_NAMES } from '../correlate/model.js';

/**
 * How the twelve attributes are written into IoT Security: `PUT device/bulkUpdate?updateSource=<source>` with
 * one item per asset, `{ deviceid: <mac>, <iotName>: value, … }`. IoT Security stores them as
 * `<updateSource>.<iotName>` ("Integration Specific Attributes"). The product names its Intune integration
 * "Ms Entra Id V1 0 Devicemanagement Manageddevices Attributes", so we write under `ms_entra_id` with Graph's own
 * property names; both are guesses the vendor has not published, hence configurable.
 */
export interface IotAttributeMapping {
  updateSource: string;
  /** Attribute → IoT attribute name; null leaves the attribute out of every write. */
  attributes: Record<AttributeName, string | null>;
}

export const DEFAULT_MAPPING: Readonly<IotAttributeMapping> = Object.freeze({
  updateSource: 'ms_entra_id',
  attributes: {
    deviceName: 'deviceName',
    osGroup: 'operatingSystem',
    osVersion: 'osVersion',
    ethernetMac: 'ethernetMacAddress',
    wifiMac: 'wiFiMacAddress',
    userEmail: 'emailAddress',
    entraDeviceId: 'azureADDeviceId',
    enrollmentType: 'deviceEnrollmentType',
    userPrincipalName: 'userPrincipalName',
    model: 'model',
    manufacturer: 'manufacturer',
    serialNumber: 'serialNumber',
  },
});

/** `serialNumber=Serial_Number;userEmail=-` overrides (`-` drops the attribute); throws naming the bad part. */
export function parseMapping(updateSource: string | undefined, spec: string | undefined): IotAttributeMapping {
  const mapping: IotAttributeMapping = { updateSource: updateSource ?? DEFAULT_MAPPING.updateSource, attributes: { ...DEFAULT_MAPPING.attributes } };
  if (!/^[A-Za-z][\w-]{0,63}$/.test(mapping.updateSource)) throw new Error(`SYNC_UPDATE_SOURCE must be a short identifier such as ms_entra_id (got "${mapping.updateSource}")`);
  for (const part of (spec ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, target] = part.split('=').map((s) => s?.trim());
    if (!name || !target || !(ATTRIBUTE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`SYNC_ATTRIBUTE_MAP: "${part}" is not attribute=iotName (attributes: ${ATTRIBUTE_NAMES.join(', ')})`);
    }
    if (target !== '-' && !/^[A-Za-z][\w/-]{0,63}$/.test(target)) throw new Error(`SYNC_ATTRIBUTE_MAP: "${target}" is not a usable IoT attribute name`);
    mapping.attributes[name as AttributeName] = target === '-' ? null : target;
  }
  return mapping;
}

/** The key under which IoT Security shows a written attribute in a device record. */
export function storedKey(mapping: IotAttributeMapping, iotName: string): string {
  return `${mapping.updateSource}.${iotName}`;
}
