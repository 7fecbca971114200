// Distance per week as SVG bars, with the figures also in an accessible table for screen readers.
import type { Totals } from '../types';
import { distance, type Units } from '../format';

export function WeeklyChart({ weeks, units }: { weeks: Totals[]; units: Units }) {
  const width = 640;
  const height = 160;
  const max = Math.max(1, ...weeks.map((week) => week.distance));
  const bar = width / Math.max(1, weeks.length);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-labelledby="weekly-chart-title" preserveAspectRatio="none">
        <title id="weekly-chart-title">Distance per week over the last 6 months</title>
        {weeks.map((week, i) => {
          const h = (week.distance / max) * height;
          return <rect key={week.start} x={i * bar + 1} y={height - h} width={Math.max(1, bar - 2)} height={h} className="bar"><title>{`Week of ${week.start}: ${distance(week.distance, units)}`}</title></rect>;
        })}
        <line x1={0} y1={height} x2={width} y2={height} className="axis" />
      </svg>
      <figcaption>Distance per week, last 6 months (longest week: {distance(max, units)})</figcaption>
      <table className="visually-hidden">
        <caption>Distance per week</caption>
        <thead><tr><th scope="col">Week of</th><th scope="col">Distance</th><th scope="col">Runs</th></tr></thead>
        <tbody>{weeks.map((week) => <tr key={week.start}><td>{week.start}</td><td>{distance(week.distance, units)}</td><td>{week.count}</td></tr>)}</tbody>
      </table>
    </figure>
  );
}
