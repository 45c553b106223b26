// Messages per hour over the last 24 hours as a small SVG bar chart with axes: counts on the y axis (round tick
// values, grid lines), local hours on the x axis, each non-empty bar labelled with its count, a tooltip per bar.
interface Props {
  perHour: { hour: string; count: number }[];
  width?: number;
  /** Height of the plot area (the bars); axes and labels are drawn around it. */
  height?: number;
}

const LEFT = 34;
const TOP = 20;
const BOTTOM = 30;
const RIGHT = 6;

/** Round tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, about four of them. */
export function yTicks(max: number): number[] {
  const rough = Math.max(1, max / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough) as number;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

const hourLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function PerHourChart({ perHour, width = 480, height = 120 }: Props) {
  const max = Math.max(0, ...perHour.map((p) => p.count));
  const ticks = yTicks(max);
  const top = ticks[ticks.length - 1] as number;
  const plotWidth = width - LEFT - RIGHT;
  const gap = 2;
  const bar = perHour.length ? (plotWidth - gap * (perHour.length - 1)) / perHour.length : plotWidth;
  const total = perHour.reduce((sum, p) => sum + p.count, 0);
  const y = (value: number) => TOP + height - (value / top) * height;
  return (
    <figure>
      <svg
        data-testid="per-hour-chart"
        viewBox={`0 0 ${width} ${TOP + height + BOTTOM}`}
        role="img"
        aria-label={`Messages per hour, last ${perHour.length} hours: ${total} in total, at most ${max} in one hour`}
        className="w-full max-w-xl text-sky-600 dark:text-sky-400"
      >
        <g data-testid="chart-y-axis" className="fill-slate-500 stroke-slate-200 dark:stroke-slate-700">
          {ticks.map((t) => (
            <g key={t}>
              <line x1={LEFT} x2={width - RIGHT} y1={y(t)} y2={y(t)} strokeWidth={t === 0 ? 1 : 0.5} />
              <text
                data-testid="chart-y-tick"
                x={LEFT - 4}
                y={y(t) + 3}
                fontSize={9}
                textAnchor="end"
                stroke="none"
              >
                {t}
              </text>
            </g>
          ))}
          <text x={2} y={9} fontSize={9} stroke="none">
            messages
          </text>
        </g>
        {perHour.map((p, i) => {
          const x = LEFT + i * (bar + gap);
          const h = (p.count / top) * height;
          return (
            <g key={p.hour}>
              <rect x={x} y={TOP + height - h} width={bar} height={h} fill="currentColor" rx={1}>
                <title>{`${hourLabel(p.hour)}: ${p.count} message${p.count === 1 ? '' : 's'}`}</title>
              </rect>
              {p.count > 0 && (
                <text
                  data-testid="chart-value"
                  x={x + bar / 2}
                  y={TOP + height - h - 2}
                  fontSize={8}
                  textAnchor="middle"
                  className="fill-slate-700 dark:fill-slate-200"
                >
                  {p.count}
                </text>
              )}
              {i % 4 === 0 && (
                <text
                  data-testid="chart-x-tick"
                  x={x + bar / 2}
                  y={TOP + height + 11}
                  fontSize={9}
                  textAnchor="middle"
                  className="fill-slate-500"
                >
                  {hourLabel(p.hour)}
                </text>
              )}
            </g>
          );
        })}
        <text
          x={LEFT + plotWidth / 2}
          y={TOP + height + 25}
          fontSize={9}
          textAnchor="middle"
          className="fill-slate-500"
        >
          hour (your local time)
        </text>
      </svg>
    </figure>
  );
}
