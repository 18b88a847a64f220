/**
 * Read the transcripts of dfu-util's tools kept with the real fixtures
 * (generated/commands.log, generated/tool-output/*.txt): each `$ command`
 * line, its indented output lines, and its `[exit N]` status.
 */
export interface LoggedCommand {
  argv: string[];
  output: string[];
  exit: number | undefined;
}

export function parseToolLog(text: string): LoggedCommand[] {
  const commands: LoggedCommand[] = [];
  let current: LoggedCommand | undefined;
  for (const raw of text.split('\n')) {
    if (raw.startsWith('$ ')) {
      current = { argv: raw.slice(2).trim().split(/\s+/), output: [], exit: undefined };
      commands.push(current);
    } else if (current !== undefined && /^\s{4}/.test(raw)) {
      const line = raw.slice(4);
      const exit = /^\[exit (\d+)\]$/.exec(line.trim());
      if (exit) current.exit = Number(exit[1]);
      else current.output.push(line);
    }
  }
  return commands;
}

/** Options of a getopt-style command line: flag → values (in order), plus the operands. */
export function splitOptions(argv: readonly string[], withValue: readonly string[]): { options: Map<string, string[]>; operands: string[] } {
  const options = new Map<string, string[]>();
  const operands: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (withValue.includes(a)) {
      const list = options.get(a) ?? [];
      list.push(argv[++i]!);
      options.set(a, list);
    } else if (a.startsWith('-') && a.length > 1) {
      options.set(a, [...(options.get(a) ?? []), '']);
    } else {
      operands.push(a);
    }
  }
  return { options, operands };
}

/** dfu-suffix takes hex with or without 0x. */
export function hexValue(text: string): number {
  return parseInt(text.replace(/^0x/i, ''), 16);
}

export interface SuffixReport {
  bcdDevice: number;
  idProduct: number;
  idVendor: number;
  bcdDFU: number;
  length: number;
  crc: number;
}

/** The properties `dfu-suffix -c` printed, or undefined when it found no valid suffix. */
export function suffixReport(output: readonly string[]): SuffixReport | undefined {
  if (!output.some((l) => l.includes('contains a DFU suffix'))) return undefined;
  const field = (label: string) => {
    const line = output.find((l) => l.startsWith(label));
    if (line === undefined) throw new Error(`dfu-suffix output lacks ${label}`);
    return line.slice(label.length).trim();
  };
  return {
    bcdDevice: hexValue(field('BCD device:')),
    idProduct: hexValue(field('Product ID:')),
    idVendor: hexValue(field('Vendor ID:')),
    bcdDFU: hexValue(field('BCD DFU:')),
    length: Number(field('Length:')),
    crc: hexValue(field('CRC:')),
  };
}

export interface DfusePackDump {
  imageSize: number;
  targets: { alternateSetting: number; name: string; targetSize: number; elements: [number, number][] }[];
  suffix: { idVendor: number; idProduct: number; bcdDevice: number; bcdDFU: number; length: number; crc: number };
}

/** What `dfuse-pack -d` printed about a DfuSe file. */
export function dfusePackDump(output: readonly string[]): DfusePackDump {
  let imageSize = -1;
  const targets: DfusePackDump['targets'] = [];
  let suffix: DfusePackDump['suffix'] | undefined;
  for (const line of output) {
    let m = /^b'DfuSe' v1, image size: (\d+), targets: (\d+)$/.exec(line);
    if (m) imageSize = Number(m[1]);
    m = /^b'Target' \d+, alt setting: (\d+), name: "b'(.*)'", size: (\d+), elements: (\d+)$/.exec(line);
    if (m) targets.push({ alternateSetting: Number(m[1]), name: m[2]!, targetSize: Number(m[3]), elements: [] });
    m = /^\s+\d+, address: 0x([0-9a-f]+), size: (\d+)$/.exec(line);
    if (m) targets[targets.length - 1]!.elements.push([parseInt(m[1]!, 16), Number(m[2])]);
    m = /^usb: ([0-9a-f]{4}):([0-9a-f]{4}), device: 0x([0-9a-f]{4}), dfu: 0x([0-9a-f]{4}), b'UFD', (\d+), 0x([0-9a-f]+)$/.exec(line);
    if (m) {
      suffix = { idVendor: parseInt(m[1]!, 16), idProduct: parseInt(m[2]!, 16), bcdDevice: parseInt(m[3]!, 16), bcdDFU: parseInt(m[4]!, 16), length: Number(m[5]), crc: parseInt(m[6]!, 16) };
    }
  }
  if (imageSize < 0 || suffix === undefined) throw new Error(`not a dfuse-pack -d dump:\n${output.join('\n')}`);
  return { imageSize, targets, suffix };
}
