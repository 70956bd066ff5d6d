/** IoT Security v4.0 wire shapes, with the API's own field names. */

export interface IotTag {
  tagType: string;
  tagValue: string;
  tagId: string;
}

/**
 * One asset. `device/list` without `detail=true` answers the summary fields only; detail records carry many
 * more (alert counters, vendor, os_group, "os/firmware_version", third-party `<source>.<attribute>` values...),
 * many of them null, hence the open index signature.
 */
export interface IotAsset {
  /** Lower-case colon MAC, or the IPv4 of a static-IP asset. */
  deviceid: string;
  hostname?: string | null;
  category?: string | null;
  profile?: string | null;
  profile_type?: string | null;
  profile_vertical?: string | null;
  ip_address?: string | null;
  mac_address?: string | null;
  risk_score?: number | null;
  risk_level?: string | null;
  last_activity?: string | null;
  /** An integer on live tenants; the spec's example sends a string. */
  confidence_score?: number | string | null;
  allTags?: IotTag[];
  tagIdList?: string[];
  trafficRestricted?: boolean;
  [attribute: string]: unknown;
}

/** `device/list`: `total` counts the devices of THIS page, never the inventory. `device/ip` answers `devices` alone. */
export interface IotDeviceListResponse {
  total: number;
  devices: IotAsset[];
}

export type IotAttributeValue = string | number | boolean | null;

/** One `devicelist` item: the join key plus attributes, stored as `<updateSource>.<name>` when a source is named. */
export interface IotBulkUpdateItem {
  deviceid: string;
  [attribute: string]: IotAttributeValue;
}

export interface IotBulkUpdateResponse {
  api: string;
  ver: string;
  code: number | string;
  message: string;
  updatedDeviceNum: number;
}

/** Error body of every route: `code` repeats the HTTP status (an int in practice, a string per the schema). */
export interface IotErrorBody {
  code: number | string;
  msg: string;
}

/** Body-validation 400s come in the JSON-Schema-validator shape instead of `{code, msg}`. */
export interface IotValidationErrorBody {
  validations: { body: Array<{ property: string; message?: string }> };
}
