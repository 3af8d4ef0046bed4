export { pollAllDevices, pollDevice } from './pollDevices.js';
