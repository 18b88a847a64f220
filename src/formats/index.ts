/** Firmware file formats: every parser turns bytes into one sparse FirmwareImage. */
export { imageSize, type DfuseTarget, type DfuSuffixInfo, type FirmwareImage, type ImageSegment } from './image.js';
export { placeImage, rawImage } from './raw.js';
export { type ParseOptions } from './format-error.js';
export { crc32, dfuCrc } from './crc32.js';
export { addDfuSuffix, DFU_SUFFIX_LENGTH, hasDfuSuffixSignature, parseDfuSuffix, removeDfuSuffix, type DfuSuffixFields, type SplitSuffix } from './dfu-suffix.js';
export { dfuseTargetImage, hasDfusePrefix, inspectDfuseFile, parseDfuseFile, type DfuseFileInfo, type ImageSizeConvention } from './dfuse-file.js';
export { buildDfuseFile, type DfuseBuildOptions, type DfuseTargetInput } from './dfuse-build.js';
export { parseIntelHex, toIntelHex, type IntelHexWriteOptions } from './ihex.js';
export { parseSrec, toSrec, type SrecWriteOptions } from './srec.js';
export { parseElf } from './elf.js';
export { buildSegments, describeRange, type Piece } from './segments.js';
export { detectFormat, extensionOf, FORMAT_NAMES, parseFirmware, type FirmwareFormat, type FormatChoice, type ParseFirmwareOptions } from './detect.js';
