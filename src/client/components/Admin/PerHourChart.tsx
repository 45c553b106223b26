// Messages per hour over the last 24 hours as a small SVG bar chart (no chart library needed for this).
interface Props {
  perHour: { hour: string; count: number }[];
  width?: number;
  height?: number;
}

export function PerHourChart({ perHour, width = 480, height = 120 }: Props) {
  const max = Math.max(1, ...perHour.map((p) => p.count));
  const gap = 2;
  const bar = perHour.length ? (width - gap * (perHour.length - 1)) / perHour.length : width;
  const total = perHour.reduce((sum, p) => sum + p.count, 0);
  return (
    <figure>
      <svg
        data-testid="per-hour-chart"
        viewBox={`0 0 ${width} ${height + 16}`}
        role="img"
        aria-label={`Messages per hour, last ${perHour.length} hours: ${total} in total, at most ${max} in one hour`}
        className="w-full max-w-xl text-sky-600 dark:text-sky-400"
      >
        {perHour.map((p, i) => {
          const h = (p.count / max) * height;
          const hour = new Date(p.hour);
          return (
            <g key={p.hour}>
              <rect x={i * (bar + gap)} y={height - h} width={bar} height={h} fill="currentColor" rx={1}>
                <title>{`${hour.toLocaleString([], { hour: '2-digit', minute: '2-digit' })}: ${p.count}`}</title>
              </rect>
              {i % 6 === 0 && (
                <text x={i * (bar + gap)} y={height + 12} fontSize={10} className="fill-slate-500">
                  {hour.toLocaleTimeString([], { hour: '2-digit' })}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
