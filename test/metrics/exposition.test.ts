import fc from 'fast-check';
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  type MetricFamily,
  renderExposition,
} from '../../lib/metrics/index.js';
import { parseExposition } from './parse.js';

describe('escaping', () => {
  test.each([
    ['plain', 'Main Office', 'Main Office'],
    ['double quote', 'Back "Door"', 'Back \\"Door\\"'],
    ['backslash', 'C:\\gate', 'C:\\\\gate'],
    ['line break', 'two\nlines', 'two\\nlines'],
    ['all at once', '\\"\n', '\\\\\\"\\n'],
    ['unicode stays as it is', 'Kapı Ğ 入口', 'Kapı Ğ 入口'],
  ])('label value: %s', (_name, value, escaped) => {
    expect(escapeLabelValue(value)).toBe(escaped);
  });

  test.each([
    ['a quote is not escaped in help', 'say "hi"', 'say "hi"'],
    ['backslash and line break are', 'a\\b\nc', 'a\\\\b\\nc'],
  ])('help: %s', (_name, text, escaped) => {
    expect(escapeHelp(text)).toBe(escaped);
  });

  test.each([
    [0, '0'],
    [42, '42'],
    [-42, '-42'],
    [0.8, '0.8'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('value %p is written %p', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});

describe('rendering', () => {
  test('each family has HELP and TYPE before its samples, and the text ends with a line break', () => {
    const text = renderExposition([
      { name: 'a_total', help: 'A.', type: 'counter', samples: [{ labels: { status: 'ok' }, value: 3 }] },
      { name: 'b', help: 'B.', type: 'gauge', samples: [] },
      {
        name: 'c',
        help: 'C.',
        type: 'gauge',
        samples: [{ value: 1 }, { labels: { x: '1', y: '2' }, value: 2 }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP a_total A.',
        '# TYPE a_total counter',
        'a_total{status="ok"} 3',
        '# HELP b B.',
        '# TYPE b gauge',
        '# HELP c C.',
        '# TYPE c gauge',
        'c 1',
        'c{x="1",y="2"} 2',
        '',
      ].join('\n'),
    );
  });

  test.each([
    ['a metric name with a dash', [{ name: 'bad-name', help: '', type: 'gauge', samples: [] }]],
    [
      'a reserved label name',
      [{ name: 'm', help: '', type: 'gauge', samples: [{ labels: { __name__: 'x' }, value: 1 }] }],
    ],
    [
      'a family listed twice',
      [
        { name: 'm', help: '', type: 'gauge', samples: [] },
        { name: 'm', help: '', type: 'gauge', samples: [] },
      ],
    ],
  ] as [string, MetricFamily[]][])('refuses %s', (_name, families) => {
    expect(() => renderExposition(families)).toThrow();
  });

  test('any label value and help text survive a round trip through the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        fc.double(),
        (labelValue, help, value) => {
          const text = renderExposition([
            { name: 'm', help, type: 'gauge', samples: [{ labels: { device_name: labelValue }, value }] },
          ]);
          const family = parseExposition(text).get('m');
          expect(family?.help).toBe(help);
          // -0 is written as 0, which is the same number to Prometheus.
          expect(family?.samples).toEqual([{ labels: { device_name: labelValue }, value: value + 0 }]);
        },
      ),
    );
  });
});
