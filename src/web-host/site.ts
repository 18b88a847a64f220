/**
 * The files of a flasher site: the page, its style and script, dfu-flash/web,
 * and the firmware named on the command line, with the page's configuration
 * (what to flash, the device it is locked to, the options) written into
 * index.html. The server answers from this table only, and `web build`
 * writes exactly these files: nothing else can be reached, whatever a URL says.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DfuFlashError } from '../shared/errors.js';
import { CONFIG_ELEMENT_ID, configJson, type PageConfig, type PageFirmware, type PageIds } from '../web/page/config.js';
import type { PageAssets } from './assets.js';

/** One firmware file to flash, as the command line named it. */
export interface FirmwareSource {
  /** Absolute path. */
  file: string;
  /** Raw binaries on DfuSe devices: where it goes. */
  address?: number | undefined;
  alt?: number | string | undefined;
  format?: PageFirmware['format'];
}

export interface SiteSpec {
  mode: PageConfig['mode'];
  title?: string | undefined;
  devices: PageIds[];
  device?: string | undefined;
  serial?: string | undefined;
  firmware: FirmwareSource[];
  options: PageConfig['options'];
}

export interface SiteFile {
  body: Uint8Array;
  type: string;
}

/** URL path → file. Paths start with '/'; '/' itself is '/index.html'. */
export type SiteFiles = Map<string, SiteFile>;

const HTML = 'text/html; charset=utf-8';

/** A name safe in a URL and on any file system: "my app (v2).bin" → "my-app-v2-.bin". */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return cleaned === '' ? 'firmware.bin' : cleaned;
}

async function readFirmware(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DfuFlashError('FILE_NOT_FOUND', `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`}`, {
      hint: 'check the path (it is relative to the current directory)',
      cause: e,
    });
  }
}

/** index.html with the configuration in its JSON element (and the title, when one is given). */
export function pageHtml(template: string, config: PageConfig): string {
  const marker = new RegExp(`(<script type="application/json" id="${CONFIG_ELEMENT_ID}">)[^<]*(</script>)`);
  if (!marker.test(template)) throw new DfuFlashError('INTERNAL', `the page template has no #${CONFIG_ELEMENT_ID} element`);
  let html = template.replace(marker, (_m, open: string, close: string) => `${open}${configJson(config)}${close}`);
  if (config.title !== undefined) {
    const title = config.title.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    html = html.replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`).replace(/(<h1 id="title">)[^<]*(<\/h1>)/, `$1${title}$2`);
  }
  return html;
}

/** Every file of the site, the firmware read now (the server calls this again for each page load). */
export async function siteFiles(spec: SiteSpec, assets: PageAssets): Promise<SiteFiles> {
  const files: SiteFiles = new Map();
  const firmware: PageFirmware[] = [];
  const taken = new Set<string>();
  for (const [i, source] of spec.firmware.entries()) {
    const bytes = await readFirmware(source.file);
    let name = safeName(basename(source.file));
    if (taken.has(name)) name = `${i + 1}-${name}`;
    taken.add(name);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    files.set(`/firmware/${name}`, { body: bytes, type: 'application/octet-stream' });
    firmware.push({
      url: `firmware/${name}?v=${sha256.slice(0, 12)}`,
      name: basename(source.file),
      size: bytes.length,
      sha256,
      ...(source.address === undefined ? {} : { address: source.address }),
      ...(source.alt === undefined ? {} : { alt: source.alt }),
      ...(source.format === undefined ? {} : { format: source.format }),
    });
  }
  const config: PageConfig = {
    mode: spec.mode,
    ...(spec.title === undefined ? {} : { title: spec.title }),
    devices: spec.devices,
    ...(spec.device === undefined ? {} : { device: spec.device }),
    ...(spec.serial === undefined ? {} : { serial: spec.serial }),
    firmware,
    options: spec.options,
  };
  files.set('/index.html', { body: new TextEncoder().encode(pageHtml(assets.indexHtml, config)), type: HTML });
  files.set('/flasher.css', { body: assets.css, type: 'text/css; charset=utf-8' });
  files.set('/flasher.js', { body: assets.script, type: 'text/javascript; charset=utf-8' });
  files.set('/dfu-flash.js', { body: assets.library, type: 'text/javascript; charset=utf-8' });
  return files;
}
