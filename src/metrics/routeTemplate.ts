/** `v1.0`, `beta`, `v4.0`: API versions stay in the template. */
const VERSION = /^(v\d+(\.\d+)?|beta)$/;
/** Words such as `devices`, `deviceManagement`, `$batch`, `delta`: parts of a route, not of an id. */
const WORD = /^\$?[A-Za-z]+$/;
/** Graph's key syntax: `devices(deviceId='…')`. */
const KEY_PREDICATE = /^(\$?[A-Za-z]+)\(.*\)$/;

/**
 * A request path as a route template for a metric label: the query is dropped and every segment that is not a
 * plain word becomes `{id}`, so `/v1.0/devices/6a1f…?$select=id` and every other device read share
 * `/v1.0/devices/{id}`. Graph and Intune ids are GUIDs and IoT ids travel in the query, so no id survives.
 */
export function routeTemplate(path: string): string {
  const pathname = (path.split('?')[0] ?? '').replace(/^[a-z]+:\/\/[^/]+/i, '');
  return pathname
    .split('/')
    .map((segment) => {
      if (segment === '' || VERSION.test(segment) || WORD.test(segment)) return segment;
      const key = KEY_PREDICATE.exec(segment);
      return key ? `${key[1]}({key})` : '{id}';
    })
    .join('/');
}
