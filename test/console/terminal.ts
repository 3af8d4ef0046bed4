// What the console's browser tests put on a simulated F18 before they poll it.
import type { DateTime } from 'luxon';
import type { DeviceUser, WallClock } from '../../lib/zk/codec/index.js';

/** A user enrolled by fingerprint: no card, no password, the default group. */
export const enrolledUser = (uid: number, userId: string, name: string): DeviceUser => ({
  uid,
  userId,
  name,
  privilege: 0,
  password: '',
  cardNumber: 0,
  groupId: 1,
});

/** What the terminal's display shows at `at`, in `at`'s zone. */
export const displayAt = (at: DateTime): WallClock => ({
  year: at.year,
  month: at.month,
  day: at.day,
  hour: at.hour,
  minute: at.minute,
  second: at.second,
});
