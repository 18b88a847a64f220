/**
 * A plan file (`dfu-flash run`'s JSON, already validated) as a flasher site:
 * its download steps become the files the page flashes in order, its device
 * IDs the devices the page offers, its serial the board it accepts. What a
 * page in a browser cannot do is refused with the reason: uploads (a page
 * writes no files here), several boards at once, port paths (a browser sees
 * none), DfuSe command modifiers (mass erase, force, will-reset), a leave to
 * another address, a reset step.
 */
import { DfuFlashError, hex16 } from '../shared/errors.js';
import type { DeviceSelector, FlashPlan, IdMatch } from '../cli/requests.js';
import type { PageIds } from '../web/page/config.js';
import type { FirmwareSource, SiteSpec } from './site.js';

function refuse(plan: string, what: string, hint: string): never {
  throw new DfuFlashError('USAGE', `plan file ${plan}: ${what}`, { hint, details: { file: plan, reason: 'plan-not-for-web' } });
}

function ids(m: IdMatch | null | undefined): PageIds | undefined {
  return m === null || m === undefined || m.vendorId === undefined ? undefined : { vendorId: m.vendorId, ...(m.productId === undefined ? {} : { productId: m.productId }) };
}

function idText(m: IdMatch | null | undefined): string {
  if (m === null) return '-';
  if (m === undefined) return '*:*';
  return `${m.vendorId === undefined ? '*' : hex16(m.vendorId)}:${m.productId === undefined ? '*' : hex16(m.productId)}`;
}

/** The selection back in dfu-util's -d syntax, for the page to hand to the library. */
export function deviceText(sel: DeviceSelector): string | undefined {
  if (sel.runtimeIds === undefined && sel.dfuIds === undefined) return undefined;
  if (sel.runtimeOnly) return idText(sel.runtimeIds);
  return `${sel.runtimeIds === undefined ? '' : idText(sel.runtimeIds)},${idText(sel.dfuIds)}`;
}

/**
 * The devices a page offers for a `-d`-style selection: its runtime IDs and
 * its DFU-mode IDs. With one pair only (`0483:5740`), the board in DFU mode
 * may have any IDs: the page then also takes the board the user selects in
 * DFU mode after the detach.
 */
export function lockOf(sel: DeviceSelector): PageIds[] {
  const pairs = [ids(sel.runtimeIds), ...(sel.runtimeOnly ? [] : [ids(sel.dfuIds)])].filter((x): x is PageIds => x !== undefined);
  return pairs.filter((p, i) => pairs.findIndex((q) => q.vendorId === p.vendorId && q.productId === p.productId) === i);
}

export function specFromPlan(plan: FlashPlan, planFile: string, base: Pick<SiteSpec, 'mode' | 'title' | 'devices' | 'device'>): SiteSpec {
  const sel = plan.selector;
  if (plan.all) refuse(planFile, '"all" flashes every board at once; a page flashes one board', 'drop "all" from the plan (or --all from the command line)');
  if (sel.path !== undefined) refuse(planFile, '"path": a browser does not see USB port paths', 'drop "path"; "device" and "serial" narrow the choice instead');
  if (sel.devnum !== undefined || sel.intf !== undefined || (sel.cfg !== undefined && sel.cfg !== 0)) {
    refuse(planFile, '"cfg", "intf" and device numbers are not offered by the web flasher', 'drop them from the plan: the page takes the DFU interface of the board the user selects');
  }
  if (sel.runtimeSerial !== undefined && sel.dfuSerial !== undefined && sel.runtimeSerial !== sel.dfuSerial) {
    refuse(planFile, 'a runtime serial and another DFU-mode serial', 'give one serial: the page accepts the board with that serial');
  }
  const firmware: FirmwareSource[] = [];
  let verify = true;
  let skipUnchanged = false;
  let leave = false;
  plan.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    const afterLast = firmware.length > 0 && i === plan.steps.length - 1;
    switch (step.kind) {
      case 'detach':
        return; // the page switches a runtime device to DFU mode by itself
      case 'download': {
        if (leave) refuse(planFile, `${at}: a download after the leave`, 'put the leave step last');
        const d = step.dfuse;
        if (d?.massErase || d?.force || d?.willReset || d?.unprotect) {
          refuse(planFile, `${at}.download.address: mass-erase, force and will-reset are not offered by the web flasher`, 'keep only ADDR[:leave]');
        }
        if (d?.leave) leave = true;
        if (step.verify === false) verify = false;
        if (step.skipUnchanged === true) skipUnchanged = true;
        const alt = step.alt ?? sel.alt;
        firmware.push({ file: step.file, ...(d?.address === undefined ? {} : { address: d.address }), ...(alt === undefined ? {} : { alt }), ...(step.format === undefined ? {} : { format: step.format }) });
        return;
      }
      case 'leave':
        if (step.address !== undefined) refuse(planFile, `${at}.leave.address: the page leaves to where the firmware starts`, 'drop the address');
        if (!afterLast) refuse(planFile, `${at}: the page leaves DFU mode only at the end, after the last download`, 'put the leave step last');
        leave = true;
        return;
      case 'reset':
        return refuse(planFile, `${at}: a reset step`, 'use a "leave" step at the end: the page leaves DFU mode and starts the firmware');
      case 'upload':
        return refuse(planFile, `${at}: an upload; the web flasher writes firmware, it does not read memory into files`, 'run this plan with dfu-flash run, or drop the upload step');
    }
  });
  if (firmware.length === 0) refuse(planFile, 'no download step', 'add a { "download": { "file": "fw.bin" } } step');
  const serial = sel.dfuSerial ?? sel.runtimeSerial;
  const device = base.device ?? deviceText(sel);
  return {
    ...base,
    devices: base.devices.length > 0 ? base.devices : lockOf(sel),
    ...(device === undefined ? {} : { device }),
    ...(serial === undefined ? {} : { serial }),
    firmware,
    options: { verify, leave, skipUnchanged },
  };
}
