/** Delivery of a daily record's current revision (attendance_days.delivery_status). */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'rejected';

/** Which records a delivery run picks up. Dates are calendar days, `YYYY-MM-DD`, both ends included. */
export interface DeliverySelection {
  statuses: DeliveryStatus[];
  /** Retry rounds only: records that have been through fewer automatic rounds than this. */
  retryRoundsBelow?: number;
  startDate?: string;
  endDate?: string;
  userId?: string;
  attendanceDayId?: number;
}

/** One entry of a page of records to deliver: enough to send it and to name it in an error. */
export interface DeliveryPageItem {
  id: number;
  revision: number;
  userId: string;
  date: string;
}

/** What one delivery activity did with one record revision. */
export type DeliveryResult =
  | { id: number; revision: number; status: 'delivered' }
  | { id: number; revision: number; status: 'skipped'; reason: string };

/** One record that could not be delivered, in the original bridge's shape. */
export interface SyncError {
  user_id: string;
  date: string;
  error: string;
}

/** What a sync run (or a retry round) reports; running totals carried across continue-as-new. */
export interface SyncResult {
  /** Records picked up. */
  total: number;
  /** Delivered (the CRM answered 200 or 201). */
  successful: number;
  /** Marked failed (transient class, after the last attempt) or rejected (the CRM refused them). */
  failed: number;
  /**
   * Picked up but not sent: gone, revised since they were listed (the next run sends the new
   * revision), already delivered, or being delivered by another run at that moment.
   */
  notSent: number;
  /** The first `maxSyncErrors` failures. */
  errors: SyncError[];
  /** Set when the run did nothing at all, with the reason. */
  skipped?: string;
}
