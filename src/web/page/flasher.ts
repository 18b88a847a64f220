/**
 * Flash: every part of the firmware (one file, or a plan's files in order)
 * written to the selected device with download() from dfu-flash/web, progress
 * drawn from its events, the result or the error with its fix in the status.
 *
 * A device in runtime mode is switched to DFU mode by download() itself;
 * there the browser sees a new device. When the page may not use it yet,
 * download() stops with NEEDS_PERMISSION: the page shows "Select the board in
 * DFU mode", and a click on it (a user gesture, so the browser may show its
 * chooser) selects the board and continues with the part that stopped.
 */
import { download, isDfuFlashError, type DownloadResult, type ListedDevice, type WebUsbBackend, type WebUsbDeviceFilter } from '../index.js';
import type { PageConfig } from './config.js';
import type { DeviceChooser } from './devices.js';
import { deviceTitle } from './device-view.js';
import type { FirmwareChoice } from './firmware.js';
import type { ProgressView } from './progress-view.js';
import { describeResult } from './result.js';
import { showError, showStatus } from './status.js';
import { el, type Ui } from './ui.js';
import { formatBytes } from './units.js';

interface Resume {
  part: number;
  filters: WebUsbDeviceFilter[];
  /** The device that left (its runtime self): not the one to pick. */
  before: string | undefined;
  results: DownloadResult[];
}

export class Flasher {
  private running: AbortController | undefined;
  private resume: Resume | undefined;
  private startedAt = 0;
  /** Set when the browser cannot flash at all. */
  blocked = false;

  constructor(
    private readonly backend: WebUsbBackend,
    private readonly ui: Ui,
    private readonly config: PageConfig,
    private readonly devices: DeviceChooser,
    private readonly firmware: FirmwareChoice,
    private readonly progress: ProgressView,
  ) {
    ui.flash.addEventListener('click', () => void this.flash());
    ui.permission.addEventListener('click', () => void this.continueWithPermission());
    ui.cancel.addEventListener('click', () => this.running?.abort());
  }

  /** Buttons and fields for the current state. */
  update(): void {
    const { ui } = this;
    const busy = this.running !== undefined;
    const haveDevice = this.devices.selected !== undefined || this.config.mode === 'site';
    ui.flash.disabled = this.blocked || busy || !haveDevice || this.firmware.parts.length === 0;
    ui.connect.disabled = this.blocked || busy;
    ui.file.disabled = busy;
    ui.alt.disabled = busy;
    ui.cancel.hidden = !busy;
    ui.permission.hidden = this.resume === undefined || busy;
    this.firmware.updateAddressField(this.devices.selected, ui.alt.value);
    if (busy) ui.address.disabled = true;
  }

  private async flash(): Promise<void> {
    if (this.running !== undefined) return;
    this.resume = undefined;
    this.startedAt = performance.now();
    this.ui.result.hidden = true;
    if (this.firmware.error !== undefined) {
      showError(this.ui, this.firmware.error);
      return;
    }
    let device = this.devices.selected;
    if (device === undefined) {
      // the site's one button: ask for the board first (this click is the gesture the chooser needs)
      try {
        device = await this.devices.connect();
      } catch (e) {
        showError(this.ui, e);
        return;
      }
      if (device === undefined) return;
    }
    this.progress.reset(this.firmware.parts.map((p) => p.name));
    await this.run(0, device, []);
  }

  private async continueWithPermission(): Promise<void> {
    const resume = this.resume;
    if (resume === undefined || this.running !== undefined) return;
    let device: ListedDevice | undefined;
    try {
      device = await this.devices.grantDfu(resume.filters, resume.before);
    } catch (e) {
      showError(this.ui, e);
      return;
    }
    if (device === undefined) return;
    this.resume = undefined;
    await this.run(resume.part, device, resume.results);
  }

  private altChoice(): number | undefined {
    return this.ui.alt.value === '' ? undefined : Number(this.ui.alt.value);
  }

  private async run(from: number, device: ListedDevice, results: DownloadResult[]): Promise<void> {
    const { ui, firmware } = this;
    let typed: number | undefined;
    try {
      typed = firmware.typedAddress();
    } catch (e) {
      showError(ui, e);
      return;
    }
    const abort = new AbortController();
    this.running = abort;
    this.devices.held = true;
    this.update();
    let at = from;
    try {
      const dfu11 = device.mode === 'dfu' && !device.dfuse;
      const parts = firmware.parts;
      for (; at < parts.length; at++) {
        const part = parts[at]!;
        const last = at === parts.length - 1;
        showStatus(ui, `flashing ${part.name} to ${deviceTitle(device)}…`);
        const address = part.image.addressed || dfu11 ? undefined : part.address ?? typed;
        const r = await download({
          backend: this.backend,
          image: part.image,
          imageName: part.name,
          ...(address === undefined ? {} : { address }),
          select: { path: device.portPath, alt: part.alt ?? this.altChoice(), device: this.config.device, serial: this.config.serial },
          verify: ui.verify.checked,
          leave: ui.leave.checked && last,
          skipUnchanged: ui.skip.checked,
          signal: abort.signal,
          onEvent: (e) => this.progress.event(e, at),
        });
        results.push(r);
      }
      this.finished(results);
    } catch (e) {
      this.progress.stop();
      if (isDfuFlashError(e, 'NEEDS_PERMISSION')) {
        this.resume = { part: at, filters: (e.details['filters'] as WebUsbDeviceFilter[] | undefined) ?? this.devices.filters(), before: device.key, results };
        showStatus(ui, 'The board restarted in DFU mode, where the browser sees it as a new device: click “Select the board in DFU mode” and select it to continue.');
      } else {
        showError(ui, e);
      }
    } finally {
      this.running = undefined;
      this.devices.held = false;
      this.progress.draw();
      this.update();
      void this.devices.refresh();
      if (this.resume !== undefined) ui.permission.focus();
    }
  }

  private finished(results: DownloadResult[]): void {
    const { ui } = this;
    const parts = this.firmware.parts;
    const lines = results.map((r, i) => describeResult(parts[i]?.name ?? 'firmware', r));
    const elapsedMs = performance.now() - this.startedAt;
    ui.result.replaceChildren(...lines.map((l) => el('p', {}, l)));
    ui.result.dataset['elapsedMs'] = String(Math.round(elapsedMs));
    ui.result.dataset['downloadMs'] = String(results.reduce((n, r) => n + r.elapsedMs, 0));
    ui.result.dataset['bytes'] = String(results.reduce((n, r) => n + r.bytes, 0));
    ui.result.hidden = false;
    const verified = results.every((r) => r.verified) ? ', verified' : '';
    const bytes = results.reduce((n, r) => n + r.bytes, 0);
    showStatus(ui, `Flashed ${parts.map((p) => p.name).join(' and ')} (${formatBytes(bytes)}${verified}): done`, 'ok');
  }
}
