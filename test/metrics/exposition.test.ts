import fc from 'fast-check';
import { type MetricFamily, renderExposition } from '../../lib/metrics/index.js';
import { parseExposition } from './parse.js';

const gauge = (labelNames: string[], samples: MetricFamily['samples'], help = 'M.'): MetricFamily[] => [
  { name: 'm', help, type: 'gauge', labelNames, samples },
];

describe('escaping', () => {
  test.each([
    ['plain', 'Main Office', 'Main Office'],
    ['double quote', 'Back "Door"', 'Back \\"Door\\"'],
    ['backslash', 'C:\\gate', 'C:\\\\gate'],
    ['line break', 'two\nlines', 'two\\nlines'],
    ['all at once', '\\"\n', '\\\\\\"\\n'],
    ['unicode stays as it is', 'Kapı Ğ 入口', 'Kapı Ğ 入口'],
    // Only \n ends a line in the format; a carriage return or a Unicode line separator stays raw.
    ['carriage return', 'a\r\nb', 'a\r\\nb'],
    ['line separator', 'a\u2028b', 'a\u2028b'],
  ])('label value: %s', async (_name, value, escaped) => {
    const text = await renderExposition(
      gauge(['device_name'], [{ labels: { device_name: value }, value: 1 }]),
    );
    expect(text).toContain(`m{device_name="${escaped}"} 1\n`);
  });

  test.each([
    ['a quote is not escaped in help', 'say "hi"', 'say "hi"'],
    ['backslash and line break are', 'a\\b\nc', 'a\\\\b\\nc'],
  ])('help: %s', async (_name, help, escaped) => {
    expect(await renderExposition(gauge([], [{ value: 1 }], help))).toContain(`# HELP m ${escaped}\n`);
  });

  // prom-client writes NaN as `Nan`; Prometheus reads the special values case-insensitively.
  test.each([
    [0, '0'],
    [42, '42'],
    [-42, '-42'],
    [0.8, '0.8'],
    [Number.NaN, 'Nan'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('value %p is written %p', async (value, text) => {
    expect(await renderExposition(gauge([], [{ value }]))).toContain(`\nm ${text}\n`);
  });
});

describe('rendering', () => {
  test('each family has HELP and TYPE before its samples, and the text ends with a line break', async () => {
    const text = await renderExposition([
      {
        name: 'a_total',
        help: 'A.',
        type: 'counter',
        labelNames: ['status'],
        samples: [{ labels: { status: 'ok' }, value: 3 }],
      },
      { name: 'b', help: 'B.', type: 'gauge', labelNames: ['device'], samples: [] },
      {
        name: 'c',
        help: 'C.',
        type: 'gauge',
        labelNames: ['x', 'y'],
        samples: [{ value: 1 }, { labels: { x: '1', y: '2' }, value: 2 }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP a_total A.',
        '# TYPE a_total counter',
        'a_total{status="ok"} 3',
        '',
        '# HELP b B.',
        '# TYPE b gauge',
        '',
        '# HELP c C.',
        '# TYPE c gauge',
        'c 1',
        'c{x="1",y="2"} 2',
        '',
      ].join('\n'),
    );
  });

  test.each([
    [
      'a metric name with a dash',
      [{ name: 'bad-name', help: 'M.', type: 'gauge', labelNames: [], samples: [] }],
    ],
    [
      'a reserved label name',
      [
        {
          name: 'm',
          help: 'M.',
          type: 'gauge',
          labelNames: ['__name__'],
          samples: [{ labels: { __name__: 'x' }, value: 1 }],
        },
      ],
    ],
    [
      'a family listed twice',
      [
        { name: 'm', help: 'M.', type: 'gauge', labelNames: [], samples: [] },
        { name: 'm', help: 'M.', type: 'gauge', labelNames: [], samples: [] },
      ],
    ],
    [
      'a label the family does not declare',
      [{ name: 'm', help: 'M.', type: 'gauge', labelNames: [], samples: [{ labels: { x: '1' }, value: 1 }] }],
    ],
  ] as [string, MetricFamily[]][])('refuses %s', async (_name, families) => {
    await expect(renderExposition(families)).rejects.toThrow();
  });

  test.each(['\r', '\u2028', '\u2029', '\r\n'])('a label value and help of %j read back', async (text) => {
    const family = parseExposition(
      await renderExposition(gauge(['device_name'], [{ labels: { device_name: text }, value: 1 }], text)),
    ).get('m');
    expect(family?.help).toBe(text);
    expect(family?.samples).toEqual([{ labels: { device_name: text }, value: 1 }]);
  });

  test('any label value and help text survive a round trip through the text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme' }),
        // Every family has a help text; prom-client requires one.
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.double(),
        async (labelValue, help, value) => {
          const text = await renderExposition(
            gauge(['device_name'], [{ labels: { device_name: labelValue }, value }], help),
          );
          const family = parseExposition(text).get('m');
          expect(family?.help).toBe(help);
          // -0 is written as 0, which is the same number to Prometheus.
          expect(family?.samples).toEqual([{ labels: { device_name: labelValue }, value: value + 0 }]);
        },
      ),
    );
  });
});
