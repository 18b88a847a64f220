/** Examples shown after the commander help of the program and of each command. */
import type { CommandName } from './invocation.js';

export const PROGRAM_EXAMPLES = `
Examples:
  dfu-flash list
  dfu-flash download -a 0 -s 0x08000000:leave firmware.bin
  dfu-flash download -d 0483:df11 --verify firmware.dfu
  dfu-flash upload -a "Internal Flash" -s 0x08000000:0x4000 dump.bin
  dfu-flash detach -d 1d50:6018 --wait
  dfu-flash download --all -d ,0483:df11 -a 0 -s 0x08000000:leave firmware.bin
  dfu-flash run plan.json --all --json
  dfu-flash info firmware.hex
  dfu-flash convert firmware.elf -o firmware.dfu
  dfu-flash doctor
  dfu-flash list --simulate stm32f4-sysboot

dfu-util command lines work unchanged (dfu-flash dfu-util --help lists the options):
  dfu-flash -l
  dfu-flash -d 0483:df11 -a 0 -s 0x08000000:leave -D firmware.bin

Exit status: 0 ok, 64 bad usage, 65 bad file, 66 file not found, 69 device not found
or ambiguous, 70 internal error, 73 output exists, 74 USB I/O, 75 busy, 76 protocol,
77 permission or driver, 78 image does not fit the device, 79 verify mismatch,
130 interrupted (doctor: 1 when a check fails).`;

export const COMMAND_EXAMPLES: Record<CommandName, string> = {
  list: `
Examples:
  dfu-flash list
  dfu-flash list -d 0483:df11 --json
  dfu-flash list --simulate stm32f4-sysboot,runtime-app`,
  download: `
Examples:
  dfu-flash download -a 0 -s 0x08000000:leave firmware.bin     raw binary at an address (DfuSe)
  dfu-flash download firmware.dfu                              DfuSe file: addresses come from the file
  dfu-flash download --verify --skip-unchanged fw.hex          write only the sectors that changed, read back
  dfu-flash download --dry-run -a 0 -s 0x08000000 fw.bin       print the plan, transfer nothing
  dfu-flash download -d ,0483:df11 -S 3276365B3138 fw.hex      one board among several, DFU mode only
  dfu-flash download -N 2 fw.bin                               the device numbered 2 in dfu-flash list
  dfu-flash download --all -d ,0483:df11 fw.dfu                every matching board in parallel
  dfu-flash download -w --wait-timeout 30 fw.dfu               wait up to 30 s for the board to appear
  dfu-flash download --leave-watch 3000 -s 0x08000000:leave fw.bin   warn if it comes back to the bootloader
  dfu-flash download -s 0x08000000:mass-erase:force:leave fw.bin
  dfu-flash download --simulate stm32f4-sysboot --sim-state flash.json fw.bin`,
  upload: `
Examples:
  dfu-flash upload -a 0 -s 0x08000000:0x4000 dump.bin          16 KiB from 0x08000000
  dfu-flash upload -a "Internal Flash" -s 0x08000000 all.bin   up to the end of that memory segment
  dfu-flash upload -Z 65536 --force firmware.bin               plain DFU device, overwrite the file`,
  detach: `
Examples:
  dfu-flash detach                                             the only runtime-mode device
  dfu-flash detach -d 1d50:6018 -S C2C89BDB
  dfu-flash detach --wait --wait-timeout 20                    ... and wait until it is back in DFU mode`,
  erase: `
Examples:
  dfu-flash erase --mass --force                               all of the flash of alt 0 (DfuSe)
  dfu-flash erase --mass --force --leave 0x08000000            ... then jump to 0x08000000
  (dfu-util: -s :mass-erase:force)`,
  unprotect: `
Examples:
  dfu-flash unprotect --force                                  the chip erases its flash and resets
  (dfu-util: -s :unprotect:force)`,
  leave: `
Examples:
  dfu-flash leave                                              start the application
  dfu-flash leave --address 0x08004000                         DfuSe: jump to 0x08004000
  (dfu-util: -s :leave)`,
  reset: `
Examples:
  dfu-flash reset -p 1-1.4
  (dfu-util: -R)`,
  run: `
Examples:
  dfu-flash run plan.json                                      one board
  dfu-flash run plan.json --all --json                         every matching board in parallel, NDJSON
  dfu-flash run plan.json --simulate stm32f4-sysboot,stm32f4-sysboot --all

Plan file (file names are relative to the plan; {port} and {serial} name each board):
  { "device": ",0483:df11", "all": true, "steps": [
      { "download": { "file": "fw.bin", "alt": 0, "address": "0x08000000", "verify": true } },
      { "upload": { "file": "dump-{serial}.bin", "address": "0x08000000:4096", "force": true } },
      { "leave": {} } ] }`,
  info: `
Examples:
  dfu-flash info firmware.dfu                                  targets, elements, suffix, image-size convention
  dfu-flash info --json firmware.hex`,
  suffix: `
Examples:
  dfu-flash suffix add -v 0483 -p df11 firmware.bin            append a DFU suffix in place (as dfu-suffix -a)
  dfu-flash suffix check firmware.dfu                          print the suffix; exit 65 without a valid one
  dfu-flash suffix remove -o payload.bin firmware.dfu          write the payload to another file`,
  convert: `
Examples:
  dfu-flash convert firmware.elf -o firmware.bin               flattened from the lowest address, gaps 0xFF
  dfu-flash convert firmware.hex -o firmware.dfu --vid 0483 --pid df11
  dfu-flash convert app.bin --address 0x08004000 -o app.srec
  dfu-flash convert multi.dfu --alt 1 -o option-bytes.bin`,
  'udev-rules': `
Examples:
  dfu-flash udev-rules                                         print the rules
  sudo dfu-flash udev-rules --install                          write /etc/udev/rules.d/70-dfu-flash.rules and reload udev`,
  doctor: `
Examples:
  dfu-flash doctor
  dfu-flash doctor --json
  dfu-flash doctor --simulate stm32f4-sysboot`,
  completion: `
Examples:
  dfu-flash completion bash > /etc/bash_completion.d/dfu-flash
  dfu-flash completion zsh > "\${fpath[1]}/_dfu-flash"
  dfu-flash completion fish > ~/.config/fish/completions/dfu-flash.fish`,
};
