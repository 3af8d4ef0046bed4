import type { Sql } from './connection.js';

export interface DeviceUserInput {
  uid: number;
  userId: string;
  name: string;
  cardNumber: number;
  privilege: number;
}

/** Replaces the stored list of a device's enrolled users with what the device reported. */
export async function upsertDeviceUsers(sql: Sql, deviceId: number, users: DeviceUserInput[]): Promise<void> {
  // A device may list one user id twice (re-enrolment); the last entry wins.
  const unique = [...new Map(users.map((u) => [u.userId, u])).values()];
  const rows = unique.map((u) => ({
    device_id: deviceId,
    user_id: u.userId,
    uid: u.uid,
    name: u.name,
    card_number: u.cardNumber,
    privilege: u.privilege,
  }));
  await sql.begin(async (tx) => {
    for (let start = 0; start < rows.length; start += 5000) {
      await tx`
        insert into device_users ${tx(rows.slice(start, start + 5000), 'device_id', 'user_id', 'uid', 'name', 'card_number', 'privilege')}
        on conflict (device_id, user_id) do update set
          uid = excluded.uid, name = excluded.name, card_number = excluded.card_number,
          privilege = excluded.privilege, updated_at = now()`;
    }
    await tx`
      delete from device_users
      where device_id = ${deviceId} and not (user_id = any(${unique.map((u) => u.userId)}::text[]))`;
  });
}

export async function listDeviceUsers(sql: Sql, deviceId: number) {
  return sql<{ userId: string; uid: number; name: string; cardNumber: number; privilege: number }[]>`
    select user_id as "userId", uid, name, card_number as "cardNumber", privilege
    from device_users where device_id = ${deviceId} order by user_id`;
}
