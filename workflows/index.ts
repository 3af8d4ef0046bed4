export { pollAllDevices, pollDevice } from './pollDevices.js';
export { processAttendance } from './processAttendance.js';
export { retryFailedSyncs, syncToCrm } from './syncToCrm.js';
