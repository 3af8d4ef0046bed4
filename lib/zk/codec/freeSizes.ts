import { DeviceProtocolError } from '../../errors.js';

/** The GET_FREE_SIZES reply (PROTOCOL.md §11): counts and capacities of the device's tables. */
export interface FreeSizes {
  users: number;
  fingerprints: number;
  records: number;
  opLogs: number;
  admins: number;
  passwords: number;
  fingerprintCapacity: number;
  userCapacity: number;
  recordCapacity: number;
  fingerprintsAvailable: number;
  usersAvailable: number;
  recordsAvailable: number;
  faces?: number;
  faceCapacity?: number;
}

const OFFSETS = {
  users: 16,
  fingerprints: 24,
  records: 32,
  opLogs: 40,
  admins: 48,
  passwords: 52,
  fingerprintCapacity: 56,
  userCapacity: 60,
  recordCapacity: 64,
  fingerprintsAvailable: 68,
  usersAvailable: 72,
  recordsAvailable: 76,
} as const;

const FACES_OFFSET = 80;
const FACE_CAPACITY_OFFSET = 88;
export const FREE_SIZES_BYTES = 80;
export const FREE_SIZES_WITH_FACES_BYTES = 92;

export function decodeFreeSizes(data: Buffer): FreeSizes {
  if (data.length < FREE_SIZES_BYTES) {
    throw new DeviceProtocolError(
      `GET_FREE_SIZES reply holds ${data.length} bytes; at least ${FREE_SIZES_BYTES} were expected`,
    );
  }
  const sizes = {} as FreeSizes;
  for (const [field, offset] of Object.entries(OFFSETS)) {
    sizes[field as keyof typeof OFFSETS] = data.readInt32LE(offset);
  }
  if (data.length >= FREE_SIZES_WITH_FACES_BYTES) {
    sizes.faces = data.readInt32LE(FACES_OFFSET);
    sizes.faceCapacity = data.readInt32LE(FACE_CAPACITY_OFFSET);
  }
  return sizes;
}

/** 92 bytes when the face counts are given, else the 80-byte form. */
export function encodeFreeSizes(f: FreeSizes): Buffer {
  const withFaces = f.faces !== undefined || f.faceCapacity !== undefined;
  const data = Buffer.alloc(withFaces ? FREE_SIZES_WITH_FACES_BYTES : FREE_SIZES_BYTES);
  for (const [field, offset] of Object.entries(OFFSETS)) {
    data.writeInt32LE(f[field as keyof typeof OFFSETS], offset);
  }
  if (withFaces) {
    data.writeInt32LE(f.faces ?? 0, FACES_OFFSET);
    data.writeInt32LE(f.faceCapacity ?? 0, FACE_CAPACITY_OFFSET);
  }
  return data;
}
