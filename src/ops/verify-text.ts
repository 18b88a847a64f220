/** Why a download was not read back, in words (results, warnings, the CLI's summary). */
import type { VerifySkipped } from './types.js';

export const VERIFY_SKIP_TEXT: Record<VerifySkipped, string> = {
  off: 'verification was turned off',
  'upload-not-supported': 'its DFU interface cannot upload (bitCanUpload is 0)',
  'not-readable': 'the memory layout says part of the written memory cannot be read',
  'leaves-after-manifestation': 'it leaves DFU mode after manifestation, so nothing can be read back',
  'resets-after-write': 'the chip resets after the write (option bytes, will-reset)',
};
