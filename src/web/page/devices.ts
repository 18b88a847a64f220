/**
 * The devices the page may use: listDevices over the WebUSB backend (what the
 * user or a policy granted), refreshed on every connect/disconnect, narrowed
 * to the VID:PIDs a vendor's site is locked to; "Connect a device…" opens the
 * browser's chooser. One device is selected: the one Flash writes to.
 */
import { DfuFlashError, isUnrelatedRuntime, listDevices, type ListedDevice, type WebUsbBackend, type WebUsbDeviceFilter } from '../index.js';
import type { PageConfig } from './config.js';
import { deviceTitle, renderAlts, renderDevice } from './device-view.js';
import { el, type Ui } from './ui.js';

const EMPTY = 'No device yet: connect the board in DFU mode (or running firmware with a DFU interface).';

function matches(d: ListedDevice, f: WebUsbDeviceFilter): boolean {
  return (f.vendorId === undefined || f.vendorId === d.vendorId) && (f.productId === undefined || f.productId === d.productId) && (f.serialNumber === undefined || f.serialNumber === d.serial);
}

export class DeviceChooser {
  devices: ListedDevice[] = [];
  selected: ListedDevice | undefined;
  /** While flashing, the selection follows the operation, not the bus. */
  held = false;
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly backend: WebUsbBackend,
    private readonly ui: Ui,
    private readonly config: PageConfig,
    private readonly changed: () => void,
  ) {
    backend.watch(() => void this.refresh());
    ui.deviceChoice.addEventListener('change', () => {
      this.selected = this.devices.find((d) => d.key === ui.deviceChoice.value);
      this.render();
    });
  }

  /** Boards the user selected in DFU mode after a detach: shown whatever IDs a locked page names. */
  private readonly pickedInDfuMode = new Set<string>();

  /** Only the locked devices, when the page is locked (and the board the user followed into DFU mode). */
  private allowed(d: ListedDevice): boolean {
    if (this.pickedInDfuMode.has(d.key)) return true;
    const named = this.config.devices.some((ids) => ids.vendorId === d.vendorId && (ids.productId === undefined || ids.productId === d.productId));
    // a Mac's Bluetooth controller, a webcam: a DFU interface, but nothing to flash here (unless the site names it)
    if (!named && d.mode === 'runtime' && d.alts.every((a) => isUnrelatedRuntime(d, a))) return false;
    const idsOk = this.config.devices.length === 0 || named;
    return idsOk && (this.config.serial === undefined || d.serial === this.config.serial);
  }

  /** List again (coalesced: one list at a time, one more if asked meanwhile). */
  refresh(): Promise<void> {
    if (this.refreshing !== undefined) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const listed = await listDevices({ backend: this.backend }).catch(() => [] as ListedDevice[]);
        this.devices = listed.filter((d) => this.allowed(d));
        if (!this.held) {
          const still = this.selected === undefined ? undefined : this.devices.find((d) => d.key === this.selected!.key);
          this.selected = still ?? this.devices.find((d) => d.mode === 'dfu') ?? this.devices[0];
        }
        this.render();
      } while (this.again);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** The filters the chooser shows: the locked VID:PIDs, else any device with a DFU interface. */
  filters(): WebUsbDeviceFilter[] {
    const dfu = { classCode: 0xfe, subclassCode: 0x01 };
    const serial = this.config.serial === undefined ? {} : { serialNumber: this.config.serial };
    if (this.config.devices.length === 0) return [{ ...dfu, ...serial }];
    return this.config.devices.map((ids) => ({ vendorId: ids.vendorId, ...(ids.productId === undefined ? {} : { productId: ids.productId }), ...dfu, ...serial }));
  }

  /** "Connect a device…": the browser's chooser (call from a click); selects what the user picked. */
  async connect(filters: WebUsbDeviceFilter[] = this.filters(), inDfuMode = false): Promise<ListedDevice | undefined> {
    const info = await this.backend.requestDevice({ filters });
    if (inDfuMode) this.pickedInDfuMode.add(info.key);
    await this.refresh();
    const picked = this.devices.find((d) => d.key === info.key);
    if (picked === undefined) {
      throw new DfuFlashError('UNSUPPORTED', `${info.product ?? 'the selected device'} is not a device this page flashes`, {
        hint: this.config.devices.length > 0 ? 'select the board this page is made for' : 'select the board in its bootloader (a built-in controller or a webcam with a DFU interface is not one)',
      });
    }
    this.select(picked);
    return picked;
  }

  /**
   * After NEEDS_PERMISSION: the board in DFU mode. One already granted (it came
   * back slowly, or a policy allows it) is taken without asking; otherwise the
   * chooser opens with the error's filters.
   */
  async grantDfu(filters: WebUsbDeviceFilter[], before: string | undefined): Promise<ListedDevice | undefined> {
    const listed = await listDevices({ backend: this.backend }).catch(() => [] as ListedDevice[]);
    const granted = listed.find((d) => d.mode === 'dfu' && d.key !== before && filters.some((f) => matches(d, f)));
    if (granted !== undefined) {
      this.pickedInDfuMode.add(granted.key);
      await this.refresh();
      this.select(granted);
      return granted;
    }
    return this.connect(filters, true);
  }

  select(d: ListedDevice): void {
    this.selected = d;
    this.render();
  }

  private render(): void {
    const { ui } = this;
    const many = this.devices.length > 1;
    ui.deviceChoice.hidden = !many;
    ui.deviceChoiceLabel.hidden = !many;
    ui.deviceChoice.replaceChildren(...this.devices.map((d) => el('option', { value: d.key }, deviceTitle(d))));
    if (this.selected !== undefined) ui.deviceChoice.value = this.selected.key;
    renderDevice(ui.device, this.selected, EMPTY);
    const wanted = ui.alt.value || (this.config.firmware[0]?.alt === undefined ? '' : String(this.config.firmware[0].alt));
    renderAlts(ui.alt, this.selected, wanted);
    this.changed();
  }
}
