import type { Context } from 'hono';
import type { ConsoleSession } from '../../../lib/db/consoleUsers.js';
import { createDevice, type DeviceWriteResult, updateDevice } from '../../../lib/db/deviceSettings.js';
import { type DeviceRow, findDevice, type NewDevice } from '../../../lib/db/devices.js';
import { newDeviceSchema } from '../../../lib/devices/input.js';
import { CsrfField, Notice, Page } from '../layout.js';
import type { ConsoleRouter } from '../router.js';
import type { ConsoleEnv } from '../session.js';
import type { ConsoleDeps } from './types.js';

/** What the form shows: never the comm key, which is write-only. */
interface FormValues {
  name: string;
  host: string;
  port: string;
  timezone: string;
  taskQueue: string;
  enabled: boolean;
  clearLogAfterDownload: boolean;
  hasCommKey: boolean;
}

const LABELS: Record<string, string> = {
  name: 'Name',
  host: 'Address',
  port: 'Port',
  commKey: 'Comm key',
  timezone: 'Time zone',
  taskQueue: 'Task queue',
};

function valuesOf(device: DeviceRow): FormValues {
  return {
    name: device.name,
    host: device.host ?? '',
    port: device.port === null ? '' : String(device.port),
    timezone: device.timezone,
    taskQueue: device.taskQueue ?? '',
    enabled: device.enabled,
    clearLogAfterDownload: device.clearLogAfterDownload,
    hasCommKey: device.commKey !== 0,
  };
}

function DeviceFormPage(props: {
  site: string;
  session: ConsoleSession;
  title: string;
  action: string;
  values: FormValues;
  errors: string[];
  editing: boolean;
}) {
  const { values } = props;
  return (
    <Page title={props.title} site={props.site} session={props.session} current="/devices/">
      {props.errors.length > 0 ? (
        <Notice kind="error">
          {props.errors.length === 1 ? props.errors[0] : `Not saved: ${props.errors.join('; ')}`}
        </Notice>
      ) : null}
      <form method="post" action={props.action} class="device-form">
        <CsrfField session={props.session} />
        <p>
          <label for="name">Name</label>
          <input id="name" name="name" required maxlength={100} value={values.name} />
        </p>
        <p>
          <label for="host">Address (IP or host name)</label>
          <input id="host" name="host" required value={values.host} />
        </p>
        <p>
          <label for="port">Port</label>
          <input id="port" name="port" type="number" min={1} max={65535} required value={values.port} />
        </p>
        <p>
          <label for="timezone">Time zone of the device clock</label>
          <input id="timezone" name="timezone" required value={values.timezone} />
        </p>
        <p>
          <label for="comm_key">Comm key</label>
          <input
            id="comm_key"
            name="comm_key"
            type="password"
            inputmode="numeric"
            autocomplete="off"
            aria-describedby="comm_key_help"
          />
          <small id="comm_key_help">
            {props.editing
              ? values.hasCommKey
                ? 'A comm key is set. It is never shown; leave this empty to keep it, 0 removes it.'
                : 'No comm key is set. Leave this empty to keep it so.'
              : 'Leave empty when the device has none.'}
          </small>
        </p>
        <p>
          <label for="task_queue">Task queue (a site worker's; empty: the shared device queue)</label>
          <input id="task_queue" name="task_queue" value={values.taskQueue} />
        </p>
        <p>
          <input id="enabled" name="enabled" type="checkbox" value="on" checked={values.enabled} />
          <label for="enabled">Enabled: polled by the schedule</label>
        </p>
        <p>
          <input
            id="clear_log"
            name="clear_log_after_download"
            type="checkbox"
            value="on"
            checked={values.clearLogAfterDownload}
          />
          <label for="clear_log">Clear the device log after a verified complete download</label>
        </p>
        <p class="actions">
          <button type="submit">{props.editing ? 'Save' : 'Add device'}</button>
          <a href="/devices/">Cancel</a>
        </p>
      </form>
    </Page>
  );
}

/** The form as sent, as the device rules read it; the comm key only when one was typed. */
function readForm(form: Record<string, unknown>) {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
  const commKey = text('comm_key').trim();
  const values: FormValues = {
    name: text('name'),
    host: text('host'),
    port: text('port'),
    timezone: text('timezone'),
    taskQueue: text('task_queue'),
    enabled: form.enabled === 'on',
    clearLogAfterDownload: form.clear_log_after_download === 'on',
    hasCommKey: false,
  };
  const input = {
    name: values.name,
    host: values.host,
    port: values.port,
    timezone: values.timezone,
    taskQueue: values.taskQueue.trim() === '' ? null : values.taskQueue,
    enabled: values.enabled,
    clearLogAfterDownload: values.clearLogAfterDownload,
    ...(commKey === '' ? {} : { commKey }),
  };
  return { values, input, commKeyGiven: commKey !== '' };
}

function writeProblem(
  result: DeviceWriteResult,
  device: { host: string | null; port: number | null },
): string | null {
  if (result.ok) return null;
  if (result.reason === 'not-found') return 'This device no longer exists.';
  if (result.reason === 'incomplete') return result.message;
  const which = result.existingId === null ? 'Another device' : `Device ${result.existingId}`;
  return `${which} already uses ${device.host}:${device.port}; one device per address and port.`;
}

/** Adding and editing a device, with the rules the API applies (lib/devices/input.ts). */
export function registerDeviceForm(router: ConsoleRouter, deps: ConsoleDeps) {
  const site = deps.config.CONSOLE_SITE_NAME;
  const rules = newDeviceSchema({ port: deps.config.ZKTECO_DEFAULT_PORT, timezone: deps.config.TIME_ZONE });
  const blank: FormValues = {
    name: '',
    host: '',
    port: String(deps.config.ZKTECO_DEFAULT_PORT),
    timezone: deps.config.TIME_ZONE,
    taskQueue: '',
    enabled: true,
    clearLogAfterDownload: false,
    hasCommKey: false,
  };

  const render = (
    c: Context<ConsoleEnv>,
    options: { title: string; action: string; values: FormValues; errors: string[]; editing: boolean },
    status: 200 | 400 | 404 = 200,
  ) => c.html(<DeviceFormPage site={site} session={c.get('session')} {...options} />, status);

  const validate = (input: Record<string, unknown>) => {
    const parsed = rules.safeParse(input);
    if (parsed.success) return { device: parsed.data as NewDevice, errors: [] };
    const errors = parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      return `${LABELS[field] ?? field}: ${issue.message}`;
    });
    return { device: null, errors };
  };

  router.get('/devices/new', (c) =>
    render(c, { title: 'Add a device', action: '/devices/new', values: blank, errors: [], editing: false }),
  );

  router.post('/devices/new', async (c) => {
    const { values, input } = readForm(await c.req.parseBody());
    const options = { title: 'Add a device', action: '/devices/new', values, editing: false };
    const { device, errors } = validate(input);
    if (!device) return render(c, { ...options, errors }, 400);
    const result = await createDevice(deps.sql, device);
    const problem = writeProblem(result, device);
    if (problem || !result.ok) return render(c, { ...options, errors: [problem ?? ''] }, 400);
    return c.redirect(`/devices/?saved=${result.device.id}`, 303);
  });

  router.get('/devices/:id{[0-9]{1,9}}/edit', async (c) => {
    const device = await findDevice(deps.sql, Number(c.req.param('id')));
    const action = `/devices/${c.req.param('id')}/edit`;
    if (!device) {
      return render(
        c,
        { title: 'Edit device', action, values: blank, errors: ['No such device.'], editing: true },
        404,
      );
    }
    return render(c, {
      title: `Edit ${device.name}`,
      action,
      values: valuesOf(device),
      errors: [],
      editing: true,
    });
  });

  router.post('/devices/:id{[0-9]{1,9}}/edit', async (c) => {
    const id = Number(c.req.param('id'));
    const current = await findDevice(deps.sql, id);
    const action = `/devices/${id}/edit`;
    const { values, input, commKeyGiven } = readForm(await c.req.parseBody());
    const options = { title: `Edit ${current?.name ?? 'device'}`, action, editing: true };
    if (!current) return render(c, { ...options, values, errors: ['No such device.'] }, 404);
    const shown = { ...values, hasCommKey: current.commKey !== 0 };
    const { device, errors } = validate(input);
    if (!device) return render(c, { ...options, values: shown, errors }, 400);
    // A comm key left empty stays as it was: it is never sent to the browser to be sent back.
    const { commKey, ...rest } = device;
    const result = await updateDevice(deps.sql, id, commKeyGiven ? { ...rest, commKey } : rest);
    const problem = writeProblem(result, device);
    if (problem) return render(c, { ...options, values: shown, errors: [problem] }, 400);
    return c.redirect(`/devices/?saved=${id}`, 303);
  });
}
