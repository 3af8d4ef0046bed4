import type { OrderTerm } from '../lists/ordering.js';
import type { Queryable, Sql } from './connection.js';
import { type Fragment, type Listed, orderBy, type Window } from './listing.js';

export interface DeviceUserInput {
  uid: number;
  userId: string;
  name: string;
  cardNumber: number;
  privilege: number;
}

/** A stored enrolment: what the device reported, and when it last changed. */
export interface DeviceUserRow extends DeviceUserInput {
  updatedAt: Date;
}

/** Replaces the stored list of a device's enrolled users with what the device reported. */
export async function upsertDeviceUsers(sql: Sql, deviceId: number, users: DeviceUserInput[]): Promise<void> {
  const unique = lastEntryPerUser(users);
  await sql.begin(async (tx) => {
    await writeDeviceUsers(tx, deviceId, unique);
    await tx`
      delete from device_users
      where device_id = ${deviceId} and not (user_id = any(${unique.map((u) => u.userId)}::text[]))`;
  });
}

/** Adds or updates the given users and leaves the others: push devices report changes, not lists. */
export async function mergeDeviceUsers(sql: Sql, deviceId: number, users: DeviceUserInput[]): Promise<void> {
  await writeDeviceUsers(sql, deviceId, lastEntryPerUser(users));
}

/** A device may list one user id twice (re-enrolment); the last entry wins. */
function lastEntryPerUser(users: DeviceUserInput[]): DeviceUserInput[] {
  return [...new Map(users.map((u) => [u.userId, u])).values()];
}

async function writeDeviceUsers(sql: Queryable, deviceId: number, users: DeviceUserInput[]): Promise<void> {
  for (let start = 0; start < users.length; start += 5000) {
    const rows = users.slice(start, start + 5000).map((u) => ({
      device_id: deviceId,
      user_id: u.userId,
      uid: u.uid,
      name: u.name,
      card_number: u.cardNumber,
      privilege: u.privilege,
    }));
    await sql`
      insert into device_users ${sql(rows, 'device_id', 'user_id', 'uid', 'name', 'card_number', 'privilege')}
      on conflict (device_id, user_id) do update set
        uid = excluded.uid, name = excluded.name, card_number = excluded.card_number,
        privilege = excluded.privilege, updated_at = now()`;
  }
}

export async function listDeviceUsers(sql: Sql, deviceId: number): Promise<DeviceUserInput[]> {
  return sql<DeviceUserInput[]>`
    select user_id as "userId", uid, name, card_number as "cardNumber", privilege
    from device_users where device_id = ${deviceId} order by user_id`;
}

export const deviceUserOrderFields = ['user_id', 'uid', 'name', 'privilege'] as const;
export type DeviceUserOrderField = (typeof deviceUserOrderFields)[number];

export async function listDeviceUsersPage(
  sql: Sql,
  deviceId: number,
  options: { order: readonly OrderTerm<DeviceUserOrderField>[]; window: Window },
): Promise<Listed<DeviceUserRow>> {
  const columns: Record<DeviceUserOrderField, Fragment> = {
    user_id: sql`user_id`,
    uid: sql`uid`,
    name: sql`name`,
    privilege: sql`privilege`,
  };
  const [{ count }] = await sql<{ count: number }[]>`
    select count(*)::int as count from device_users where device_id = ${deviceId}`;
  const rows = await sql<DeviceUserRow[]>`
    select user_id as "userId", uid, name, card_number as "cardNumber", privilege, updated_at as "updatedAt"
    from device_users where device_id = ${deviceId}
    order by ${orderBy(sql, options.order, columns, sql`user_id`)}
    limit ${options.window.limit} offset ${options.window.offset}`;
  return { count, rows };
}

/** The user id is the text, or a device knows the user by a name that contains it (any case). */
export function employeeMatches(sql: Sql, userId: Fragment, text: string): Fragment {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`(${userId} = ${text} or exists (
    select 1 from device_users du where du.user_id = ${userId} and du.name ilike ${pattern}))`;
}
