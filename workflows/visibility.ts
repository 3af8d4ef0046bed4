import { defineSearchAttributeKey, type SearchAttributePair, SearchAttributeType } from '@temporalio/common';

/**
 * What the Temporal Web UI's Workflows list shows of a run without opening it: custom search
 * attributes to filter on ("the polls of device 7": `BridgeDeviceId = 7`) and a one-line summary.
 * Pure, so the workflows give their child runs the same.
 */

export const BridgeDeviceId = defineSearchAttributeKey('BridgeDeviceId', SearchAttributeType.INT);
/**
 * The days a sync or a rebuild covers: from the first day's 00:00 UTC to the last day's 23:59:59 UTC.
 * Datetime so the UI filters a range; a day's noon lies strictly inside every range that covers it
 * ("the sync that sent 3 March": `BridgeDateFrom <= "2026-03-03T12:00:00Z" AND BridgeDateTo >= "2026-03-03T12:00:00Z"`).
 */
export const BridgeDateFrom = defineSearchAttributeKey('BridgeDateFrom', SearchAttributeType.DATETIME);
export const BridgeDateTo = defineSearchAttributeKey('BridgeDateTo', SearchAttributeType.DATETIME);

/** Every attribute the bridge sets; the namespace must have each, with this type. */
export const bridgeSearchAttributes = [BridgeDeviceId, BridgeDateFrom, BridgeDateTo] as const;

/** The type as `temporal` CLI flags spell it (`--type Int`, `--search-attribute Name=Datetime`). */
export const cliTypeName: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export interface DateRange {
  startDate?: string;
  endDate?: string;
}

const dayStartUtc = (date: string) => new Date(`${date}T00:00:00Z`);
const dayEndUtc = (date: string) => new Date(`${date}T23:59:59Z`);

export function deviceAttributes(deviceId: number): SearchAttributePair[] {
  return [{ key: BridgeDeviceId, value: deviceId }];
}

export function dateRangeAttributes(range: DateRange): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  if (range.startDate) pairs.push({ key: BridgeDateFrom, value: dayStartUtc(range.startDate) });
  if (range.endDate) pairs.push({ key: BridgeDateTo, value: dayEndUtc(range.endDate) });
  return pairs;
}

/** "2026-03-01 .. 2026-03-03", "from 2026-03-01", "up to 2026-03-03", or '' without a range. */
export function describeRange(range: DateRange): string {
  if (range.startDate && range.endDate) {
    return range.startDate === range.endDate ? range.startDate : `${range.startDate} .. ${range.endDate}`;
  }
  if (range.startDate) return `from ${range.startDate}`;
  if (range.endDate) return `up to ${range.endDate}`;
  return '';
}

export const deviceLabel = (device: { id: number; name: string }) => `device ${device.id} (${device.name})`;
