/** Command and reply codes of the ZKTeco TCP 4370 protocol (PROTOCOL.md §5). */
export const Cmd = {
  CONNECT: 1000,
  EXIT: 1001,
  ENABLE_DEVICE: 1002,
  DISABLE_DEVICE: 1003,
  RESTART: 1004,
  POWEROFF: 1005,
  REFRESHDATA: 1013,
  REFRESHOPTION: 1014,
  GET_VERSION: 1100,
  AUTH: 1102,
  PREPARE_DATA: 1500,
  DATA: 1501,
  FREE_DATA: 1502,
  DATA_WRRQ: 1503,
  DATA_RDY: 1504,
  DB_RRQ: 7,
  USER_WRQ: 8,
  USERTEMP_RRQ: 9,
  OPTIONS_RRQ: 11,
  OPTIONS_WRQ: 12,
  ATTLOG_RRQ: 13,
  CLEAR_DATA: 14,
  CLEAR_ATTLOG: 15,
  DELETE_USER: 18,
  UNLOCK: 31,
  CLEAR_OPLOG: 33,
  OPLOG_RRQ: 34,
  GET_FREE_SIZES: 50,
  STATE_RRQ: 64,
  GET_PINWIDTH: 69,
  GET_USERTEMP: 88,
  GET_TIME: 201,
  SET_TIME: 202,
  REG_EVENT: 500,
  ACK_OK: 2000,
  ACK_ERROR: 2001,
  ACK_DATA: 2002,
  ACK_UNAUTH: 2005,
  ACK_UNKNOWN: 0xffff,
} as const;

export type CommandCode = (typeof Cmd)[keyof typeof Cmd];

/** Event codes carried in the session field of cmd 500 packets (PROTOCOL.md §5, §12). */
export const EventCode = {
  ATTLOG: 1,
  FINGER: 2,
  ENROLLUSER: 4,
  ENROLLFINGER: 8,
  BUTTON: 16,
  UNLOCK: 32,
  VERIFY: 128,
  FPFTR: 256,
  ALARM: 512,
} as const;

/** The 1503 "fct" argument per dataset; attendance is requested with 0. */
export const DatasetFct = { ATTENDANCE: 0, TEMPLATES: 2, OPLOG: 4, USERS: 5 } as const;

// Spelled the way the vendor SDK and the capture files name them (CMD_ENABLEDEVICE, not CMD_ENABLE_DEVICE).
const names = new Map<number, string>([
  [Cmd.CONNECT, 'CMD_CONNECT'],
  [Cmd.EXIT, 'CMD_EXIT'],
  [Cmd.ENABLE_DEVICE, 'CMD_ENABLEDEVICE'],
  [Cmd.DISABLE_DEVICE, 'CMD_DISABLEDEVICE'],
  [Cmd.RESTART, 'CMD_RESTART'],
  [Cmd.POWEROFF, 'CMD_POWEROFF'],
  [Cmd.REFRESHDATA, 'CMD_REFRESHDATA'],
  [Cmd.REFRESHOPTION, 'CMD_REFRESHOPTION'],
  [Cmd.GET_VERSION, 'CMD_GET_VERSION'],
  [Cmd.AUTH, 'CMD_AUTH'],
  [Cmd.PREPARE_DATA, 'CMD_PREPARE_DATA'],
  [Cmd.DATA, 'CMD_DATA'],
  [Cmd.FREE_DATA, 'CMD_FREE_DATA'],
  [Cmd.DATA_WRRQ, 'CMD_DATA_WRRQ'],
  [Cmd.DATA_RDY, 'CMD_DATA_RDY'],
  [Cmd.DB_RRQ, 'CMD_DB_RRQ'],
  [Cmd.USER_WRQ, 'CMD_USER_WRQ'],
  [Cmd.USERTEMP_RRQ, 'CMD_USERTEMP_RRQ'],
  [Cmd.OPTIONS_RRQ, 'CMD_OPTIONS_RRQ'],
  [Cmd.OPTIONS_WRQ, 'CMD_OPTIONS_WRQ'],
  [Cmd.ATTLOG_RRQ, 'CMD_ATTLOG_RRQ'],
  [Cmd.CLEAR_DATA, 'CMD_CLEAR_DATA'],
  [Cmd.CLEAR_ATTLOG, 'CMD_CLEAR_ATTLOG'],
  [Cmd.DELETE_USER, 'CMD_DELETE_USER'],
  [Cmd.UNLOCK, 'CMD_UNLOCK'],
  [Cmd.CLEAR_OPLOG, 'CMD_CLEAR_OPLOG'],
  [Cmd.OPLOG_RRQ, 'CMD_OPLOG_RRQ'],
  [Cmd.GET_FREE_SIZES, 'CMD_GET_FREE_SIZES'],
  [Cmd.STATE_RRQ, 'CMD_STATE_RRQ'],
  [Cmd.GET_PINWIDTH, 'CMD_GET_PINWIDTH'],
  [Cmd.GET_USERTEMP, 'CMD_GET_USERTEMP'],
  [Cmd.GET_TIME, 'CMD_GET_TIME'],
  [Cmd.SET_TIME, 'CMD_SET_TIME'],
  [Cmd.REG_EVENT, 'CMD_REG_EVENT'],
  [Cmd.ACK_OK, 'CMD_ACK_OK'],
  [Cmd.ACK_ERROR, 'CMD_ACK_ERROR'],
  [Cmd.ACK_DATA, 'CMD_ACK_DATA'],
  [Cmd.ACK_UNAUTH, 'CMD_ACK_UNAUTH'],
  [Cmd.ACK_UNKNOWN, 'CMD_ACK_UNKNOWN'],
]);

/** The protocol name of a command or reply code, e.g. 'CMD_ACK_OK'; unknown codes as 'CMD_UNKNOWN_<code>'. */
export function commandName(code: number): string {
  return names.get(code) ?? `CMD_UNKNOWN_${code}`;
}
