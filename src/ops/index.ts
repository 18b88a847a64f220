/** The use cases, called by the CLI. */
export type * from './types.js';
export { listDevices, describeForList } from './list.js';
export { download } from './download.js';
export { upload } from './upload.js';
export { detach } from './detach.js';
export { chooseTarget, describeDevice } from './select.js';
export { downloadAll, matchingBoards, type BoardResult } from './multi.js';
export { runPlan, type PlanBoardResult } from './plan-run.js';
export { leave, type LeaveRequest } from './leave.js';
export { dfuseCommand, commandKind, type DfuseCommandKind, type DfuseCommandRequest } from './command-mode.js';
