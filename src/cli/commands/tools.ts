/** Dispatch of the commands that need no device; each module is loaded only when its command runs. */
import type { ToolInvocation } from '../invocation.js';
import { EXIT_OK } from '../exit-codes.js';
import type { ToolEnv } from './tool-env.js';

export type { ToolEnv } from './tool-env.js';

/** Run a device-less command; resolves with the exit status (errors are thrown, as for the other commands). */
export async function runTool(inv: ToolInvocation, env: ToolEnv): Promise<number> {
  switch (inv.command) {
    case 'info':
      await (await import('./info.js')).runInfo(inv, env);
      return EXIT_OK;
    case 'suffix':
      await (await import('./suffix.js')).runSuffix(inv, env);
      return EXIT_OK;
    case 'convert':
      await (await import('./convert.js')).runConvert(inv, env);
      return EXIT_OK;
    case 'udev-rules':
      await (await import('./udev-rules.js')).runUdevRules(inv, env);
      return EXIT_OK;
    case 'doctor':
      return (await import('./doctor.js')).runDoctorCommand(inv, env);
    case 'completion':
      await (await import('./completion.js')).runCompletion(inv, env);
      return EXIT_OK;
  }
}
