/** The captured test vectors of `test/fixtures/zk-captures/vectors.json`, typed loosely as the file is. */
import { readFileSync } from 'node:fs';
import type { DeviceUser, FreeSizes } from '../../lib/zk/codec/index.js';

export interface PacketExpect {
  command: number;
  name: string;
  checksum: number;
  checksumValid: boolean;
  session: number;
  reply: number;
  dataLength: number;
  dataHex: string;
  length?: number;
  decoded?: Record<string, unknown>;
}

export interface PacketCase {
  id: string;
  kind: 'packet';
  transport: 'tcp' | 'udp' | 'payload';
  direction: 'client' | 'device';
  hex: string;
  sourceHex?: string;
  expect: PacketExpect;
}

export interface RecordCase {
  id: string;
  kind: 'record';
  recordType: 'attendance40' | 'attendance16' | 'user72' | 'oplog16' | 'event12' | 'event32';
  hex: string;
  expect: Record<string, unknown> & Partial<PacketExpect>;
}

export interface CommKeyCase {
  id: string;
  kind: 'commkey';
  vectors: { commKey: number; sessionId: number; ticks: number; authPayloadHex: string; origin: string }[];
}

export type ConversationEvent =
  | { from: 'client'; expect: { command: number; name: string; dataHex: string }; sourceSentHex?: string }
  | { from: 'device'; chunks: string[] };

export interface VectorUser {
  uid: number;
  privilege: number;
  password: string;
  name: string;
  card: number;
  group: number;
  tzFlag: number;
  tz: number[];
  user_id: string;
}

export interface ConversationCase {
  id: string;
  kind: 'conversation';
  description: string;
  replyNumbersConsistent: boolean;
  events: ConversationEvent[];
  expectDeviceFrames: {
    command: number;
    name: string;
    session: number;
    reply: number;
    dataLength: number;
    checksumValid: boolean;
  }[];
  expect: Record<string, unknown> & {
    sessionId?: number;
    freeSizes?: Record<string, number>;
    users?: Record<string, VectorUser>;
  };
}

export type VectorCase = PacketCase | RecordCase | CommKeyCase | ConversationCase;

const file = new URL('../fixtures/zk-captures/vectors.json', import.meta.url);
export const vectors: { schema: string; cases: VectorCase[] } = JSON.parse(readFileSync(file, 'utf8'));

export const casesOf = <K extends VectorCase['kind']>(kind: K) =>
  vectors.cases.filter((c): c is Extract<VectorCase, { kind: K }> => c.kind === kind);

/** The vectors' free-size names mapped onto ours. */
export function freeSizesFromVector(v: Record<string, number>): FreeSizes {
  return {
    users: v.users,
    fingerprints: v.fingers,
    records: v.records,
    opLogs: v.oplog,
    admins: v.admins,
    passwords: v.passwords,
    fingerprintCapacity: v.fingersCap,
    userCapacity: v.usersCap,
    recordCapacity: v.recordsCap,
    fingerprintsAvailable: v.fingersAvailable,
    usersAvailable: v.usersAvailable,
    recordsAvailable: v.recordsAvailable,
    ...(v.faces === undefined ? {} : { faces: v.faces, faceCapacity: v.facesCap }),
  };
}

/** A vector user in our shape (without the raw bytes). */
export function userFromVector(v: VectorUser): Omit<DeviceUser, 'raw'> {
  return {
    uid: v.uid,
    privilege: v.privilege,
    password: v.password,
    name: v.name,
    cardNumber: v.card,
    groupId: v.group,
    timezoneFlag: v.tzFlag,
    timezones: v.tz,
    userId: v.user_id,
  };
}

export const hex = (text: string) => Buffer.from(text, 'hex');
