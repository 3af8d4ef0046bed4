/**
 * The console's pictures, drawn on the server as SVG. Every bar carries its number as text and the
 * segments differ by pattern as well as colour, so they read in black and white and to a screen
 * reader (each chart has a title and a description).
 */
import type { Child } from 'hono/jsx';
import type { AttendanceDaySummary } from '../../lib/db/dailyReport.js';

/** The picture's frame: its size, and the title and description a screen reader announces. */
function Chart(props: {
  id: string;
  width: number;
  height: number;
  label: string;
  description: string;
  children: Child;
}) {
  const { id, width, height } = props;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      width={width}
      height={height}
    >
      <title id={`${id}-title`}>{props.label}</title>
      <desc id={`${id}-desc`}>{props.description}</desc>
      {props.children}
    </svg>
  );
}

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

export function HourlyChart({
  counts,
  label,
}: {
  counts: { hour: number; punches: number }[];
  label: string;
}) {
  const byHour = new Map(counts.map((c) => [c.hour, c.punches]));
  const max = Math.max(1, ...counts.map((c) => c.punches));
  const width = 720;
  const height = 200;
  const top = 18;
  const bottom = 24;
  const plot = height - top - bottom;
  const step = width / 24;
  const total = counts.reduce((sum, c) => sum + c.punches, 0);
  const busiest = counts.reduce((best, c) => (c.punches > (best?.punches ?? 0) ? c : best), counts[0]);
  const description =
    total === 0
      ? 'No punches on this day.'
      : `${total} punches; the busiest hour is ${String(busiest.hour).padStart(2, '0')}:00 with ${busiest.punches}.`;
  return (
    <Chart id="hourly" width={width} height={height} label={label} description={description}>
      <line class="axis" x1={0} x2={width} y1={top + plot} y2={top + plot} />
      {HOURS.map((hour) => {
        const punches = byHour.get(hour) ?? 0;
        const barHeight = Math.round((punches / max) * plot);
        const x = hour * step + 3;
        return (
          <g>
            <title>{`${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59: ${punches} punches`}</title>
            <rect class="bar" x={x} y={top + plot - barHeight} width={step - 6} height={barHeight} />
            {punches > 0 ? (
              <text x={x + (step - 6) / 2} y={top + plot - barHeight - 4} text-anchor="middle">
                {punches}
              </text>
            ) : null}
            <text x={x + (step - 6) / 2} y={height - 8} text-anchor="middle">
              {String(hour).padStart(2, '0')}
            </text>
          </g>
        );
      })}
    </Chart>
  );
}

const SEGMENTS = [
  { key: 'onTime', label: 'Present', className: 'bar-present', fill: 'url(#pattern-present)' },
  {
    key: 'outliers',
    label: 'Outlier (present, flagged)',
    className: 'bar-outlier',
    fill: 'url(#pattern-outlier)',
  },
  { key: 'absent', label: 'Absent', className: 'bar-absent', fill: 'url(#pattern-absent)' },
] as const;

export function AttendanceTrendChart({ days, label }: { days: AttendanceDaySummary[]; label: string }) {
  const width = 760;
  const height = 240;
  const top = 12;
  const bottom = 40;
  const legend = 22;
  const plot = height - top - bottom - legend;
  const step = width / Math.max(1, days.length);
  const max = Math.max(1, ...days.map((d) => d.present + d.absent));
  const description = days
    .map((d) => `${d.date}: ${d.present} present (${d.outliers} outliers), ${d.absent} absent`)
    .join('; ');
  return (
    <Chart id="trend" width={width} height={height} label={label} description={description}>
      <defs>
        <pattern id="pattern-present" width={6} height={6} patternUnits="userSpaceOnUse">
          <rect width={6} height={6} class="bar-present" />
        </pattern>
        <pattern
          id="pattern-outlier"
          width={6}
          height={6}
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width={6} height={6} class="bar-outlier" />
          <line x1={0} y1={0} x2={0} y2={6} stroke="#1b1f24" stroke-width={2} />
        </pattern>
        <pattern id="pattern-absent" width={6} height={6} patternUnits="userSpaceOnUse">
          <rect width={6} height={6} class="bar-absent" />
          <circle cx={3} cy={3} r={1} fill="#1b1f24" />
        </pattern>
      </defs>
      {SEGMENTS.map((segment, index) => (
        <g>
          <rect x={index * 230} y={0} width={14} height={14} fill={segment.fill} stroke="#1b1f24" />
          <text x={index * 230 + 20} y={11}>
            {segment.label}
          </text>
        </g>
      ))}
      <line class="axis" x1={0} x2={width} y1={legend + top + plot} y2={legend + top + plot} />
      {days.map((day, index) => {
        const parts = { onTime: day.present - day.outliers, outliers: day.outliers, absent: day.absent };
        let y = legend + top + plot;
        const x = index * step + 2;
        const barWidth = Math.max(2, step - 4);
        return (
          <g>
            <title>{`${day.date}: ${day.present} present, of whom ${day.outliers} flagged; ${day.absent} absent`}</title>
            {SEGMENTS.map((segment) => {
              const value = parts[segment.key];
              const h = Math.round((value / max) * plot);
              y -= h;
              return (
                <g>
                  <rect
                    x={x}
                    y={y}
                    width={barWidth}
                    height={h}
                    fill={segment.fill}
                    stroke="#1b1f24"
                    stroke-width={0.5}
                  />
                  {value > 0 && h >= 13 ? (
                    <text x={x + barWidth / 2} y={y + h / 2 + 4} text-anchor="middle" class="segment-label">
                      {value}
                    </text>
                  ) : null}
                </g>
              );
            })}
            {index % 3 === 0 || index === days.length - 1 ? (
              <text x={x + barWidth / 2} y={height - 22} text-anchor="middle">
                {day.date.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
    </Chart>
  );
}
