/** The cli-progress MultiBar both bar reporters draw with, set up once. */
import cliProgress from 'cli-progress';
import type { TtyStream } from './tty-progress.js';

export function createMultiBar<P>(stream: TtyStream, render: (params: { value: number; total: number }, payload: P) => string): cliProgress.MultiBar {
  return new cliProgress.MultiBar({
    // Lines are fitted to the width by `render`; cli-progress would otherwise cut them counting colour codes as characters.
    stream: { write: (t: string) => stream.write(t), isTTY: true, columns: 100000 } as unknown as NodeJS.WritableStream,
    format: (_options, params, payload) => render(params, payload as P),
    fps: 10,
    forceRedraw: true,
    hideCursor: false,
    clearOnComplete: false,
    gracefulExit: false,
    linewrap: true, // never leave the terminal without wrapping (Ctrl-C)
  });
}

/** Print lines logged since the last redraw (cli-progress keeps them until then), then the final bars. */
export function finishMultiBar(m: cliProgress.MultiBar | undefined): void {
  m?.update();
  m?.stop();
}
