/** Examples shown after the program's --help (each command has its own, in its module). */

export const PROGRAM_EXAMPLES = `
Examples:
  dfu-flash list
  dfu-flash download -a 0 -s 0x08000000:leave firmware.bin
  dfu-flash download -d 0483:df11 --verify firmware.dfu
  dfu-flash upload -a "Internal Flash" -s 0x08000000:0x4000 dump.bin
  dfu-flash detach -d 1d50:6018 --wait
  dfu-flash download --all -d ,0483:df11 -a 0 -s 0x08000000:leave firmware.bin
  dfu-flash run plan.json --all --json
  dfu-flash station -d ,0483:df11 -a 0 -s 0x08000000:leave --log boards.ndjson fw.bin
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
