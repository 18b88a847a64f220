/**
 * A simulated DfuSe bootloader in ST's mould (one interface, interface 0, a
 * functional descriptor with bmAttributes 0x0B and wDetachTimeOut 255), built
 * from only what sets one device apart. Defaults: 0483:df11 from
 * "STMicroelectronics", protocol 2, bcdDFUVersion 0x011A, starts in dfuIDLE,
 * SET_ADDRESS and GET_COMMANDS 1 ms, leave 5 ms, READ_UNPROTECT 100 ms,
 * SET_ADDRESS checked, back on the bus 300 ms after a reset.
 */
import { DfuState, DfuStatus, DFUSE_VERSION } from '../../dfu/constants.js';
import type { SimBusy, SimDfuseBehaviour, SimIdentity, SimProfile } from '../profile-types.js';

export const same = (ms: number): SimBusy => ({ reportedMs: ms, actualMs: ms });

type Timing = SimDfuseBehaviour['timing'];

export interface StDfuseRomSpec {
  name: string;
  description: string;
  identity: Pick<SimIdentity, 'bcdUSB' | 'bcdDevice' | 'product'> & Partial<Pick<SimIdentity, 'idVendor' | 'idProduct' | 'manufacturer' | 'serial'>>;
  configuration: SimProfile['configuration'];
  protocol?: number;
  altNames: string[];
  wTransferSize: number;
  bcdDFUVersion?: number;
  functionalAfter: 'every-alt' | 'last-alt';
  initial?: SimProfile['initial'];
  timing: Pick<Timing, 'erase' | 'massErase' | 'program'> & Partial<Timing>;
  checkSetAddress?: boolean;
  readUnprotect: SimDfuseBehaviour['readUnprotect'];
  /** Further behaviour switches (busyGetStatus, stuckErase, ...). */
  extra?: Partial<SimDfuseBehaviour>;
}

export function stDfuseRom(s: StDfuseRomSpec): SimProfile {
  const id = s.identity;
  return {
    name: s.name,
    description: s.description,
    identity: {
      bcdUSB: id.bcdUSB,
      idVendor: id.idVendor ?? 0x0483,
      idProduct: id.idProduct ?? 0xdf11,
      bcdDevice: id.bcdDevice,
      manufacturer: id.manufacturer ?? 'STMicroelectronics',
      product: id.product,
      ...(id.serial !== undefined ? { serial: id.serial } : {}),
    },
    configuration: s.configuration,
    dfu: {
      interfaceNumber: 0,
      protocol: s.protocol ?? 2,
      altNames: s.altNames,
      functional: { bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: s.wTransferSize, bcdDFUVersion: s.bcdDFUVersion ?? DFUSE_VERSION },
      functionalAfter: s.functionalAfter,
    },
    initial: s.initial ?? { state: DfuState.dfuIDLE, status: DfuStatus.OK },
    behaviour: {
      kind: 'dfuse',
      timing: {
        setAddress: s.timing.setAddress ?? same(1),
        getCommands: s.timing.getCommands ?? same(1),
        erase: s.timing.erase,
        massErase: s.timing.massErase,
        program: s.timing.program,
        leave: s.timing.leave ?? same(5),
        readUnprotect: s.timing.readUnprotect ?? same(100),
      },
      checkSetAddress: s.checkSetAddress ?? true,
      readUnprotect: s.readUnprotect,
      reenumerateAfterMs: 300,
      ...s.extra,
    },
  };
}
