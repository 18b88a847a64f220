/**
 * `dfu-flash list`: the table on stdout, or with --json one JSON document
 * `{"type":"result","ok":true,"operation":"list","devices":[{"index":1,...}]}`.
 * Each device keeps the number it has in the unfiltered listing (what -N
 * takes), also when selection flags hide the others. In dfu-util
 * compatibility mode (`dfu-flash -l`), dfu-util's `Found DFU: ...` lines.
 */
import type { ListInvocation } from '../invocation.js';
import { filterListed } from '../../ops/list.js';
import { toJsonLine } from '../reporters/json.js';
import { renderDeviceList } from '../render-list.js';
import type { CommandEnv } from './env.js';

export async function runList(inv: ListInvocation, env: CommandEnv): Promise<void> {
  const all = await env.ops.listDevices({ backend: env.ctx.backend });
  const devices = filterListed(all, inv.filter);
  const numbers = new Map(all.map((d, i) => [d.key, i + 1]));
  const indexOf = (d: { key: string }, i: number): number => numbers.get(d.key) ?? i + 1;
  env.reporter.close();
  if (inv.output.json) {
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
  const { formatLayout } = await import('../../dfu/memory-layout.js');
  env.io.stdout.write(renderDeviceList(devices, formatLayout, indexOf));
}
