/**
 * What the server (`dfu-flash web`) or the site builder (`dfu-flash web
 * build`) tells the page, as JSON in `<script type="application/json"
 * id="dfu-flash-config">` of index.html: the firmware named on the command
 * line (fetched from the page's own origin, checked against its SHA-256),
 * the VID:PIDs a vendor's site is locked to, and the options' first values.
 * Pure: shared by the page and by the Node side that writes it.
 */

/** One firmware file the page flashes, in order (a plan may name several). */
export interface PageFirmware {
  /** Relative to the page, e.g. "firmware/app.bin?v=1a2b3c4d". */
  url: string;
  /** The file's name, for the page and for messages. */
  name: string;
  size: number;
  /** Hex SHA-256 of the file: a truncated or replaced download is refused before anything is sent. */
  sha256: string;
  /** Where a raw binary goes (DfuSe). */
  address?: number | undefined;
  /** The alt setting to write: its number or its (region) name. */
  alt?: number | string | undefined;
  /** Forced format (else detected from the content). */
  format?: 'bin' | 'ihex' | 'srec' | 'elf' | 'dfuse' | undefined;
}

export interface PageIds {
  vendorId: number;
  productId?: number | undefined;
}

export interface PageConfig {
  /** 'serve': `dfu-flash web` (any file may be chosen); 'site': `web build` (the firmware baked in, one button). */
  mode: 'serve' | 'site';
  title?: string | undefined;
  /** Only these devices (runtime or DFU-mode IDs) are offered and flashed; empty = any DFU device. */
  devices: PageIds[];
  /** The selection in dfu-util's -d syntax for the library, e.g. "0483:5740,0483:df11" (runtime, DFU mode). */
  device?: string | undefined;
  /** dfu-util's -S: the serial the board must have. */
  serial?: string | undefined;
  firmware: PageFirmware[];
  options: { verify: boolean; leave: boolean; skipUnchanged: boolean };
}

export const CONFIG_ELEMENT_ID = 'dfu-flash-config';

export const DEFAULT_CONFIG: PageConfig = { mode: 'serve', devices: [], firmware: [], options: { verify: true, leave: false, skipUnchanged: false } };

/** JSON for inside a <script> element: `<` escaped so no `</script>` can end it early. */
export function configJson(config: PageConfig): string {
  return JSON.stringify(config).replace(/</g, '\\u003c');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The page's config from the JSON text (what a server or builder wrote); anything missing takes its default. */
export function parsePageConfig(json: string | null | undefined): PageConfig {
  if (json === null || json === undefined || json.trim() === '') return DEFAULT_CONFIG;
  const raw: unknown = JSON.parse(json);
  if (!isObject(raw)) throw new Error('the page configuration is not a JSON object');
  const options = isObject(raw['options']) ? raw['options'] : {};
  const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);
  const text = (key: string): Record<string, string> => (typeof raw[key] === 'string' ? { [key]: raw[key] } : {});
  return {
    mode: raw['mode'] === 'site' ? 'site' : 'serve',
    ...text('title'),
    devices: Array.isArray(raw['devices']) ? (raw['devices'] as PageIds[]).filter((d) => isObject(d) && typeof d.vendorId === 'number') : [],
    ...text('device'),
    ...text('serial'),
    firmware: Array.isArray(raw['firmware']) ? (raw['firmware'] as PageFirmware[]).filter((f) => isObject(f) && typeof f.url === 'string' && typeof f.name === 'string') : [],
    options: {
      verify: bool(options['verify'], DEFAULT_CONFIG.options.verify),
      leave: bool(options['leave'], DEFAULT_CONFIG.options.leave),
      skipUnchanged: bool(options['skipUnchanged'], DEFAULT_CONFIG.options.skipUnchanged),
    },
  };
}
