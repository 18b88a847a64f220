/** What a command line means once parsed and validated: a typed request plus output and simulation settings. */
import type { DetachRequest, DeviceSelector, DfuseCommandRequest, DownloadRequest, FlashPlan, LeaveRequest, UploadRequest } from './requests.js';
import type { ConvertRequest, FileFormatChoice, SuffixAddRequest, SuffixEditRequest } from './file-tools.js';

export interface OutputOptions {
  /** NDJSON events and a result line on stdout (`list`: one JSON document). */
  json: boolean;
  /** Errors only. */
  quiet: boolean;
  /** Number of -v given: 1 = debug events and stack traces. */
  verbose: number;
}

export interface SimOptions {
  profiles: string[];
  /** 1 = real device timing. */
  timeScale: number;
  /** Load the simulated flash from here (if present) and save it back afterwards. */
  stateFile?: string;
}

interface Common {
  output: OutputOptions;
  /** Present with --simulate. */
  sim?: SimOptions;
  /** --transfer-timeout: per-control-transfer timeout in ms (device commands). */
  transferTimeoutMs?: number;
  /** -N/--index: the n-th device of `dfu-flash list` (1-based), resolved to its port path before the operation. */
  deviceIndex?: number;
  /** Things to tell the user before the operation (dfu-util options that have no effect here): warning events. */
  notices?: string[];
}

export interface ListInvocation extends Common {
  command: 'list';
  /** Display filter: the same selection flags as the other commands. */
  filter: DeviceSelector;
  /** dfu-util's `-l` lines (`Found DFU: [0483:df11] ver=...`) instead of the table (dfu-util compatibility mode). */
  style?: 'dfu-util';
}

export interface DownloadInvocation extends Common {
  command: 'download';
  request: DownloadRequest;
  /** --all: every matching board, in parallel (downloadAll). */
  all?: true;
}

/** `erase --mass --force` / `unprotect --force`, and dfu-util's `-s :mass-erase:force` / `-s :unprotect:force` without a file. */
export interface DfuseCommandInvocation extends Common {
  command: 'erase' | 'unprotect';
  request: DfuseCommandRequest;
}

/** `leave [--address A]` / `reset`, and dfu-util's `-s [ADDR]:leave` or `-R` without a file. */
export interface LeaveInvocation extends Common {
  command: 'leave' | 'reset';
  request: LeaveRequest;
}

/** `run plan.json`: a validated plan file. */
export interface RunInvocation extends Common {
  command: 'run';
  /** The plan file (absolute). */
  planFile: string;
  plan: FlashPlan;
}

export interface UploadInvocation extends Common {
  command: 'upload';
  request: UploadRequest;
}

export interface DetachInvocation extends Common {
  command: 'detach';
  request: DetachRequest;
}

export interface InfoInvocation extends Common {
  command: 'info';
  file: string;
  format: FileFormatChoice;
}

export type SuffixAction = 'add' | 'check' | 'remove';

export type SuffixInvocation = Common & { command: 'suffix' } & (
    | { action: 'add'; request: SuffixAddRequest }
    | { action: 'check'; request: { file: string } }
    | { action: 'remove'; request: SuffixEditRequest }
  );

export interface ConvertInvocation extends Common {
  command: 'convert';
  request: ConvertRequest;
}

export interface UdevRulesInvocation extends Common {
  command: 'udev-rules';
  install: boolean;
}

export interface DoctorInvocation extends Common {
  command: 'doctor';
}

export type Shell = 'bash' | 'zsh' | 'fish';

export interface CompletionInvocation extends Common {
  command: 'completion';
  shell: Shell;
}

/** Commands that talk to a device through a backend that run() creates. */
export type DeviceInvocation =
  | ListInvocation
  | DownloadInvocation
  | UploadInvocation
  | DetachInvocation
  | DfuseCommandInvocation
  | LeaveInvocation
  | RunInvocation;

/** Commands that need no device (doctor makes its own backend). */
export type ToolInvocation = InfoInvocation | SuffixInvocation | ConvertInvocation | UdevRulesInvocation | DoctorInvocation | CompletionInvocation;

export type Invocation = DeviceInvocation | ToolInvocation;

export type CommandName = Invocation['command'];

/** Parsing either yields an invocation, or text to show (help, version) and an exit status. */
export type ParseOutcome =
  | { kind: 'invocation'; invocation: Invocation }
  | { kind: 'text'; stream: 'stdout' | 'stderr'; text: string; exitCode: number };
