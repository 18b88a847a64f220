/**
 * `dfu-flash list`: the table on stdout, or with --json one JSON document
 * `{"type":"result","ok":true,"operation":"list","devices":[{"index":1,...}]}`.
 * Each device keeps the number it has in the unfiltered listing (what -N
 * takes), also when selection flags hide the others. In dfu-util
 * compatibility mode (`dfu-flash -l`), dfu-util's `Found DFU: ...` lines.
 */
import type { DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addCommon, addSelection } from '../program-options.js';
import type { DeviceSelector } from '../requests.js';

export interface ListInvocation extends Common {
  command: 'list';
  /** Display filter: the same selection flags as the other commands. */
  filter: DeviceSelector;
  /** dfu-util's `-l` lines (`Found DFU: [0483:df11] ver=...`) instead of the table (dfu-util compatibility mode). */
  style?: 'dfu-util';
}

export const list: DeviceCommand<ListInvocation> = {
  kind: 'device',
  name: 'list',
  args: '',
  summary: 'list DFU-capable devices, their alt settings and memory layouts',
  examples: `
Examples:
  dfu-flash list
  dfu-flash list -d 0483:df11 --json
  dfu-flash list --simulate stm32f4-sysboot,runtime-app`,
  options: (cmd) => addCommon(addSelection(cmd)),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const v = s.check(z.object({ ...s.selection, ...s.common }).strict(), raw.opts);
    const inv: ListInvocation = { command: 'list', filter: s.toSelector(v), output: s.toOutput(v), ...(raw.dfuUtil === true ? { style: 'dfu-util' as const } : {}) };
    return s.finishDevice(inv, v, cwd);
  },
  atPath: (inv, path) => ({ ...inv, filter: { ...inv.filter, path } }),
  progress: () => 'lines',
  ownJson: true,
  async run(inv, env) {
    const { filterListed } = await import('../../ops/list.js');
    const all = await env.ops.listDevices({ backend: env.ctx.backend });
    const devices = filterListed(all, inv.filter);
    const numbers = new Map(all.map((d, i) => [d.key, i + 1]));
    const indexOf = (d: { key: string }, i: number): number => numbers.get(d.key) ?? i + 1;
    env.reporter.close();
    if (inv.output.json) {
      const { toJsonLine } = await import('../reporters/json.js');
      const indexed = devices.map((d, i) => ({ index: indexOf(d, i), ...d }));
      env.io.stdout.write(toJsonLine({ type: 'result', ok: true, operation: 'list', devices: indexed }) + '\n');
      return;
    }
    if (devices.length === 0) {
      if (inv.output.quiet || inv.style === 'dfu-util') return;
      env.io.stderr.write(
        all.length === 0
          ? 'No DFU-capable USB device found.\n  hint: connect the device in DFU mode (ST parts: BOOT0 high during reset) or in its DFU-capable application\n'
          : `No device matches the selection (${all.length} DFU-capable device${all.length > 1 ? 's' : ''} found).\n  hint: run "dfu-flash list" without selection options to see them\n`,
      );
      return;
    }
    if (inv.style === 'dfu-util') {
      const { renderDfuUtilList } = await import('../render-dfu-util-list.js');
      env.io.stdout.write(renderDfuUtilList(devices));
      return;
    }
    const [{ formatLayout }, { renderDeviceList }] = await Promise.all([import('../../dfu/memory-layout.js'), import('../render-list.js')]);
    env.io.stdout.write(renderDeviceList(devices, formatLayout, indexOf));
  },
};
