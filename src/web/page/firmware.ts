/**
 * The firmware to flash: a file the user chooses or drops (any format,
 * detected from its content as the CLI does), or the files the server or the
 * site was started with (fetched from the page's origin and checked against
 * their SHA-256). For a raw binary on a DfuSe device the Address field says
 * where it goes; files with addresses of their own (hex, srec, elf, .dfu)
 * need none.
 */
import { DfuFlashError, FORMAT_NAMES, imageSize, parseFirmware, type FirmwareFormat, type FirmwareImage, type ListedDevice } from '../index.js';
import type { PageConfig, PageFirmware } from './config.js';
import { el, type Ui } from './ui.js';
import { formatBytes, hexAddress, parseAddress } from './units.js';

export interface Part {
  name: string;
  image: FirmwareImage;
  /** Fixed by the configuration (a baked-in raw binary); else the Address field. */
  address?: number | undefined;
  alt?: number | string | undefined;
}

function formatName(image: FirmwareImage): string {
  return FORMAT_NAMES[image.format as FirmwareFormat] ?? image.format;
}

function hexDigest(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchFirmware(f: PageFirmware): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(f.url, { cache: 'no-store' });
  } catch (e) {
    throw new DfuFlashError('FILE_NOT_FOUND', `${f.name} could not be fetched from this site: ${(e as Error).message}`, { hint: 'reload the page; if it keeps failing, the site is incomplete' });
  }
  if (!response.ok) throw new DfuFlashError('FILE_NOT_FOUND', `${f.name} could not be fetched from this site (HTTP ${response.status})`, { hint: 'the site is incomplete: its firmware file is missing' });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = hexDigest(await crypto.subtle.digest('SHA-256', bytes));
  if (bytes.length !== f.size || digest !== f.sha256) {
    throw new DfuFlashError('FORMAT', `${f.name} from this site is not the file the page was made for (${bytes.length} bytes, SHA-256 ${digest.slice(0, 16)}…; expected ${f.size} bytes, ${f.sha256.slice(0, 16)}…)`, {
      hint: 'reload the page (a cache may hold an older file); if it stays so, the site was changed or damaged: nothing was sent to the device',
    });
  }
  return bytes;
}

export class FirmwareChoice {
  parts: Part[] = [];
  error: unknown;

  constructor(
    private readonly ui: Ui,
    private readonly changed: () => void,
  ) {
    ui.file.addEventListener('change', () => {
      const file = ui.file.files?.[0];
      if (file !== undefined) void this.useFile(file);
    });
    const drop = ui.drop;
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      const file = e.dataTransfer?.files[0];
      if (file !== undefined) void this.useFile(file);
    });
  }

  /** A file chosen or dropped: parsed at once, so a bad file is said before anything else. */
  async useFile(file: File): Promise<void> {
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      this.setParts([{ name: file.name, image: parseImage(bytes, file.name) }]);
    } catch (e) {
      this.fail(e, file.name);
    }
  }

  /** The configuration's files, fetched and checked. */
  async useConfigured(config: PageConfig): Promise<void> {
    if (config.firmware.length === 0) return;
    this.ui.firmwareInfo.replaceChildren(`Loading ${config.firmware.map((f) => f.name).join(', ')}…`);
    try {
      const parts: Part[] = [];
      for (const f of config.firmware) {
        const bytes = await fetchFirmware(f);
        parts.push({ name: f.name, image: parseImage(bytes, f.name, f.format), address: f.address, alt: f.alt });
      }
      this.setParts(parts);
      const raw = parts.find((p) => p.address !== undefined);
      if (raw !== undefined) this.ui.address.value = hexAddress(raw.address!);
    } catch (e) {
      this.fail(e, config.firmware[0]!.name);
    }
  }

  private setParts(parts: Part[]): void {
    this.parts = parts;
    this.error = undefined;
    this.ui.firmwareInfo.replaceChildren(...parts.map(describePart));
    this.changed();
  }

  private fail(e: unknown, name: string): void {
    this.parts = [];
    this.error = e;
    this.ui.firmwareInfo.replaceChildren(`${name}: not usable (see below).`);
    this.changed();
  }

  /** Does any part need the Address field (a raw binary with no address of its own)? */
  needsAddress(): boolean {
    return this.parts.some((p) => !p.image.addressed && p.address === undefined);
  }

  /** Enable the Address field where it means something; its placeholder is where the chosen memory starts. */
  updateAddressField(device: ListedDevice | undefined, alt: string): void {
    const dfu11 = device !== undefined && !device.dfuse && device.mode === 'dfu';
    const needed = this.needsAddress() && !dfu11;
    this.ui.address.disabled = !needed;
    const chosen = device?.alts.find((a) => String(a.alternateSetting) === alt) ?? device?.alts.find((a) => a.layout !== undefined);
    const start = chosen?.layout?.segments[0]?.start;
    this.ui.address.placeholder = start === undefined ? '0x08000000' : hexAddress(start);
    const fixed = this.parts.some((p) => !p.image.addressed && p.address !== undefined);
    this.ui.addressHint.textContent = !this.needsAddress()
      ? this.parts.length === 0
        ? ''
        : fixed
          ? 'given with the firmware'
          : 'not needed: the file says where its bytes go'
      : dfu11
        ? 'not needed: this device decides where the image goes'
        : start === undefined
          ? 'where the binary goes'
          : `where the binary goes, e.g. ${hexAddress(start)} (the start of ${chosen?.layout?.name ?? 'the memory'})`;
  }

  /** The Address field's value; USAGE for text that is no address. */
  typedAddress(): number | undefined {
    const text = this.ui.address.value;
    if (text.trim() === '' || this.ui.address.disabled) return undefined;
    const n = parseAddress(text);
    if (n === undefined) {
      throw new DfuFlashError('USAGE', `${JSON.stringify(text)} in the Address field is not an address`, { hint: 'write it in hex, e.g. 0x08000000, or in decimal' });
    }
    return n;
  }
}

function parseImage(bytes: Uint8Array, name: string, format?: PageFirmware['format']): FirmwareImage {
  if (bytes.length === 0) throw new DfuFlashError('FORMAT', `${name} is empty`, { hint: 'choose the firmware file your build produced' });
  return parseFirmware(bytes, { fileName: name, format: format ?? 'auto' });
}

function describePart(p: Part): HTMLElement {
  const img = p.image;
  const segs = img.segments.map((s) => `${hexAddress(s.address)}–${hexAddress(s.address + s.data.length - 1)} (${formatBytes(s.data.length)})`);
  const facts: string[] = [`${formatName(img)}, ${formatBytes(imageSize(img))}`];
  if (img.addressed) facts.push(`${img.segments.length === 1 ? 'segment' : `${img.segments.length} segments`}: ${segs.join(', ')}`);
  else facts.push(p.address === undefined ? 'no addresses of its own' : `goes to ${hexAddress(p.address)}`);
  if (img.targets !== undefined) facts.push(`DfuSe targets for alt ${img.targets.map((t) => t.alternateSetting).join(', ')}`);
  if (img.suffix !== undefined) facts.push(`DFU suffix for ${img.suffix.idVendor.toString(16).padStart(4, '0')}:${img.suffix.idProduct.toString(16).padStart(4, '0')}`);
  return el('p', {}, el('strong', {}, p.name), `: ${facts.join('; ')}`);
}
