/**
 * The flasher page (dist/web/page/flasher.js, loaded by index.html): a client
 * of dfu-flash/web only — the bundle script maps `../index.js` to the
 * `./dfu-flash.js` next to the page, and refuses any other import from
 * outside this folder.
 *
 *   connect → the device with its memory layout → a file (or the one the
 *   server or site was made with) → options → Flash → progress per phase →
 *   the result, or `error: …` with the fix.
 */
import { webUsbBackend } from '../index.js';
import { CONFIG_ELEMENT_ID, parsePageConfig, type PageConfig } from './config.js';
import { DeviceChooser } from './devices.js';
import { FirmwareChoice } from './firmware.js';
import { Flasher } from './flasher.js';
import { ProgressView } from './progress-view.js';
import { showError, showStatus } from './status.js';
import { webUsbProblem } from './support.js';
import { bindUi, type Ui } from './ui.js';

function applyConfig(ui: Ui, config: PageConfig): void {
  if (config.title !== undefined) {
    ui.title.textContent = config.title;
    document.title = config.title;
  }
  ui.verify.checked = config.options.verify;
  ui.leave.checked = config.options.leave;
  ui.skip.checked = config.options.skipUnchanged;
  if (config.mode === 'site') {
    // a vendor's site: its firmware, its device, its options — one button
    document.body.classList.add('site');
    ui.connect.hidden = true;
    ui.drop.hidden = true;
    ui.optionsSection.hidden = true;
  }
}

async function start(): Promise<void> {
  try {
    await boot();
  } finally {
    document.body.dataset['ready'] = 'true';
  }
}

async function boot(): Promise<void> {
  const ui = bindUi(document);
  let config: PageConfig;
  try {
    config = parsePageConfig(document.getElementById(CONFIG_ELEMENT_ID)?.textContent);
  } catch (e) {
    showError(ui, e, 'the page was not built correctly: build or serve it again with dfu-flash web');
    return;
  }
  applyConfig(ui, config);
  const problem = webUsbProblem(navigator, window.isSecureContext);
  if (problem !== undefined) {
    ui.unsupported.textContent = `This browser cannot flash devices: ${problem.message}. ${problem.fix.replace(/^./, (c) => c.toUpperCase())}.`;
    ui.unsupported.hidden = false;
    ui.connect.disabled = true;
    ui.flash.disabled = true;
    showError(ui, new Error(problem.message), problem.fix);
    return;
  }
  const backend = webUsbBackend();
  const progress = new ProgressView(ui.progress);
  let flasher: Flasher | undefined;
  const changed = (): void => flasher?.update();
  const devices = new DeviceChooser(backend, ui, config, changed);
  const firmware = new FirmwareChoice(ui, () => {
    changed();
    if (firmware.error !== undefined) showError(ui, firmware.error);
    else if (firmware.parts.length > 0) showStatus(ui, devices.selected === undefined ? 'Firmware ready: connect the device.' : 'Ready to flash.');
  });
  flasher = new Flasher(backend, ui, config, devices, firmware, progress);
  ui.connect.addEventListener('click', () => {
    devices.connect().then(
      (d) => d !== undefined && showStatus(ui, firmware.parts.length === 0 ? 'Device connected: choose a firmware file.' : 'Ready to flash.'),
      (e: unknown) => showError(ui, e),
    );
  });
  ui.alt.addEventListener('change', changed);
  ui.address.addEventListener('input', changed);
  await Promise.all([devices.refresh(), firmware.useConfigured(config)]);
  flasher.update();
}

void start();
