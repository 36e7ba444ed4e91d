/** A small time-series line chart (uPlot), one line per model, sized to its container. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: Array<number | null>;
}

const COLORS = ['#2f5bea', '#d9480f', '#2b8a3e', '#9c36b5', '#e67700', '#0b7285', '#c2255c', '#5c940d'];

export interface ChartProps {
  title: string;
  /** Bucket start times, epoch seconds. */
  x: number[];
  /** The time range shown, epoch seconds, whatever buckets have data. */
  range: [number, number];
  series: Series[];
  format: (v: number) => string;
  /** One point per UTC day: ticks on days, labelled `MM-DD`. */
  days?: boolean;
}

const DAY_S = 86_400;
const dayAxis: uPlot.Axis = {
  incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S],
  values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(5, 10)),
};

export function Chart({ title, x, range, series, format, days }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width: el.clientWidth,
        height: 180,
        legend: { show: true },
        scales: { x: { time: true, range: () => range } },
        axes: [days ? dayAxis : {}, { values: (_u, ticks) => ticks.map((t) => format(t)), size: 60 }],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            spanGaps: true,
          })),
        ],
      },
      [x, ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, range, series, format, days]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
