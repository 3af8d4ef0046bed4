export { dailyCleanup } from './cleanup.js';
export { readDeviceInfo } from './deviceInfo.js';
export { syncDeviceUsers } from './deviceUsers.js';
export { pollAllDevices, pollDevice } from './pollDevices.js';
export { processAttendance } from './processAttendance.js';
export { retryFailedSyncs, syncToCrm } from './syncToCrm.js';
