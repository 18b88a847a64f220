/** What a command line means once parsed and validated: a typed request plus output and simulation settings. */
import type { DetachRequest, DeviceSelector, DownloadRequest, UploadRequest } from '../ops/types.js';

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
}

export interface ListInvocation extends Common {
  command: 'list';
  /** Display filter: the same selection flags as the other commands. */
  filter: DeviceSelector;
}

export interface DownloadInvocation extends Common {
  command: 'download';
  request: DownloadRequest;
}

export interface UploadInvocation extends Common {
  command: 'upload';
  request: UploadRequest;
}

export interface DetachInvocation extends Common {
  command: 'detach';
  request: DetachRequest;
}

export type Invocation = ListInvocation | DownloadInvocation | UploadInvocation | DetachInvocation;

export type CommandName = Invocation['command'];

/** Parsing either yields an invocation, or text to show (help, version) and an exit status. */
export type ParseOutcome =
  | { kind: 'invocation'; invocation: Invocation }
  | { kind: 'text'; stream: 'stdout' | 'stderr'; text: string; exitCode: number };
