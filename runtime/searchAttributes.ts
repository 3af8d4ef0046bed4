import type { Client } from '@temporalio/client';
import { ConfigurationError } from '../lib/errors.js';
import { bridgeSearchAttributes, cliTypeName } from '../workflows/visibility.js';

// temporal.api.enums.v1.IndexedValueType, as listSearchAttributes answers it.
const indexedValueType: Record<string, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

function isGrpcCode(error: unknown, ...codes: number[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && codes.includes(code);
}

/** The bridge's attributes as `operatorService.addSearchAttributes` takes them. */
export function bridgeSearchAttributeTypes(): Record<string, number> {
  return Object.fromEntries(
    bridgeSearchAttributes.map((key) => [key.name, indexedValueType[cliTypeName[key.type]]]),
  );
}

/** The `temporal` commands that create what the namespace lacks. */
export function searchAttributeCommands(
  namespace: string,
  names: string[] = bridgeSearchAttributes.map((k) => k.name),
) {
  return bridgeSearchAttributes
    .filter((key) => names.includes(key.name))
    .map(
      (key) =>
        `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${cliTypeName[key.type]}`,
    );
}

/**
 * Every start sets the bridge's search attributes, and Temporal refuses a start naming one the
 * namespace lacks: say so once at start-up, with the commands that fix it, instead of failing each poll.
 */
export async function requireSearchAttributes(client: Client, namespace: string): Promise<void> {
  let present: Record<string, unknown>;
  try {
    const answer = await client.connection.operatorService.listSearchAttributes({ namespace });
    present = answer.customAttributes ?? {};
  } catch (error) {
    // A cloud API key may not read the namespace's settings; the first start then names what is missing.
    if (isGrpcCode(error, PERMISSION_DENIED, UNIMPLEMENTED)) return;
    throw error;
  }
  const wrong = bridgeSearchAttributes.filter(
    (key) => Number(present[key.name]) !== indexedValueType[cliTypeName[key.type]],
  );
  if (wrong.length === 0) return;
  const described = wrong
    .map((key) =>
      key.name in present
        ? `${key.name} (${cliTypeName[key.type]}, but it is another type there)`
        : `${key.name} (${cliTypeName[key.type]})`,
    )
    .join(', ');
  throw new ConfigurationError(
    `The Temporal namespace "${namespace}" lacks the search attributes ${described} that the bridge's runs carry; ` +
      `create them once (README, "Production"): ${searchAttributeCommands(
        namespace,
        wrong.map((k) => k.name),
      ).join(' && ')}`,
  );
}
