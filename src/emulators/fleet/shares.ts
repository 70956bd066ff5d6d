// How much of each platform, Wi-Fi behaviour and planted situation a fleet gets: separate so every builder stage can read them without importing generate.ts (which re-exports them).

/** Shares of `size`. Entra-only devices are personal registrations without Intune. */
export const PLATFORM_SHARES = [
  ['windows', 0.57],
  ['macos', 0.1],
  ['ios', 0.15],
  ['android', 0.13],
  ['entraOnly', 0.05],
] as const;

/** What Intune says a Mac's or mobile's Wi-Fi MAC is: the hardware address, a private one, the placeholder, none. */
export const WIFI_SHARES = {
  macos: [['hardware', 0.8], ['randomized', 0.2]],
  ios: [['hardware', 0.55], ['randomized', 0.35], ['none', 0.1]],
  android: [['hardware', 0.4], ['randomized', 0.25], ['placeholder', 0.25], ['none', 0.1]],
} as const;

/** How many of each planted situation, as a share of `size` (docks and dongles are counted per device). */
export const SCENARIO_SHARES = {
  hotDeskDocks: 0.006, // each shared by 2–4 laptops
  movedDongles: 0.003, // each on 2 laptops
  hybridTwoEntra: 0.02,
  intuneDuplicate: 0.02,
  stale: 0.05,
  notInIot: 0.15,
  iotOnly: 0.15,
} as const;
/** Share of all Intune MAC values rendered in an unusual format. */
export const MAC_FORMAT_SHARE = 0.03;
/** Share of IoT-only assets keyed by IP address. */
export const STATIC_IP_SHARE = 0.05;

/** A machine that has not synced for this many days is stale. */
export const STALE_AFTER_DAYS = 90;
