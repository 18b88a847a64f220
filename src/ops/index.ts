/** The use cases, behind the public API (src/api/operations.ts). */
export type * from './types.js';
export { listDevices, describeForList, filterListed } from './list.js';
export { download, planDownload } from './download.js';
export { describeJob, type DownloadJob, type JobPart } from './download-plan.js';
export { upload } from './upload.js';
export { detach } from './detach.js';
export { chooseTarget, describeDevice } from './select.js';
export { matchingBoards } from './boards.js';
export { leave, type LeaveRequest } from './leave.js';
export { dfuseCommand, type DfuseCommandKind, type DfuseCommandRequest } from './command-mode.js';
