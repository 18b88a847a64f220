/** A fake navigator.usb over simulated devices, for pages under test (browser bundle: dist/web/sim.js). */
export { installFakeWebUsb, type FakeDeviceSpec, type FakeWebUsbController, type InstallFakeWebUsbOptions } from './install.js';
export { FakeUsb, matchesFilter, type FakeChooser, type FakeWebUsbOptions } from './fake-usb.js';
export { FakeUsbDevice } from './fake-device.js';
export { createSimDevice, SIM_PROFILES } from '../index.js';
