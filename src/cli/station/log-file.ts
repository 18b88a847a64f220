/**
 * The station's --log: one JSON line per finished board, appended. The file
 * is opened for appending (never truncated) before the first USB transfer;
 * each line goes out as one write of the whole line, then to the disk
 * (fdatasync), one line at a time, so a crash or a power cut loses at most
 * the line being written. A file whose last line was cut off (a crash while
 * it was written) gets a line break first, so the next line is whole.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DfuFlashError } from '../../shared/errors.js';

/** The one system call per line, injectable to check exactly that. */
export type WriteLine = (handle: FileHandle, bytes: Uint8Array) => Promise<void>;

const writeAll: WriteLine = async (handle, bytes) => {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
  await handle.datasync();
};

function problemOf(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'its folder does not exist';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'it may not be written (permission denied)';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return `it cannot be written (${code ?? String(e)})`;
  }
}

export class StationLog {
  private chain: Promise<void> = Promise.resolve();
  private failure: DfuFlashError | undefined;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private pendingBreak: boolean,
    private readonly writeLine: WriteLine,
  ) {}

  /** Open `file` for appending (created if missing). FILE_NOT_FOUND when it cannot be. */
  static async open(file: string, shown: string, writeLine: WriteLine = writeAll): Promise<StationLog> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'a+');
    } catch (e) {
      throw new DfuFlashError('FILE_NOT_FOUND', `cannot open the log ${shown}: ${problemOf(e)}`, {
        hint: `create the folder ${dirname(shown)} or give --log another path`,
        details: { file },
        cause: e,
      });
    }
    try {
      const { size } = await handle.stat();
      let cut = false;
      if (size > 0) {
        const last = new Uint8Array(1);
        await handle.read(last, 0, 1, size - 1);
        cut = last[0] !== 0x0a;
      }
      return new StationLog(file, handle, cut, writeLine);
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw new DfuFlashError('FILE_NOT_FOUND', `cannot read the end of the log ${shown}: ${problemOf(e)}`, { details: { file }, cause: e });
    }
  }

  /** Append one record as one line. Lines go out in call order; a failure is kept and reported by close(). */
  append(record: unknown): Promise<void> {
    const text = (this.pendingBreak ? '\n' : '') + JSON.stringify(record) + '\n';
    this.pendingBreak = false;
    const bytes = new TextEncoder().encode(text);
    const next = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.writeLine(this.handle, bytes);
      } catch (e) {
        this.failure = new DfuFlashError('FILE_NOT_FOUND', `writing to the log ${this.file} failed: ${problemOf(e)}`, {
          hint: 'free some space or fix the permissions; the boards flashed after this are not in the log',
          details: { file: this.file },
          cause: e,
        });
      }
    });
    this.chain = next;
    return next;
  }

  /** The first write failure, if any. */
  get error(): DfuFlashError | undefined {
    return this.failure;
  }

  /** Wait for the lines written so far and close the file. */
  async close(): Promise<void> {
    await this.chain;
    await this.handle.close().catch(() => undefined);
  }
}
