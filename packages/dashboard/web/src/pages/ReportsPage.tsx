import { api } from '../api';
import { date, distance, duration, monthName, pace, type Units } from '../format';
import { useProfile } from '../profile';
import { Empty, ErrorMessage, Loading, useLoad } from '../components/State';

interface Report {
  month: string;
  distance: number;
  run_count: number;
  moving_time: number;
  average_speed: number;
  longest_run: number;
  elevation_gain: number;
  previous_month?: { distance: number; run_count: number } | null;
  distance_change_percent?: number | null;
  /** The month against the training plan; null without one (absent in reports from before). */
  plan?: PlanComparison | null;
}

interface PlanComparison {
  template: { id: string; name: string };
  race: { name: string; date: string };
  planned_sessions: number;
  sessions_done: number;
  planned_distance: number;
  distance_run: number;
  completion_percent: number;
}

function PlanComparisonFigures({ plan, units, headingId }: { plan: PlanComparison; units: Units; headingId: string }) {
  return (
    <section className="plan-comparison" aria-labelledby={headingId}>
      <h3 id={headingId}>Training plan</h3>
      <p className="meta">{plan.template.name}, for {plan.race.name} on {date(plan.race.date)}</p>
      <dl className="figures">
        <div><dt>Sessions done</dt><dd>{plan.sessions_done} of {plan.planned_sessions}</dd></div>
        <div><dt>Distance run</dt><dd>{distance(plan.distance_run, units)}</dd></div>
        <div><dt>Distance planned</dt><dd>{distance(plan.planned_distance, units)}</dd></div>
      </dl>
      <p className="completion">
        <progress value={plan.sessions_done} max={plan.planned_sessions} aria-label="Planned sessions done">{plan.completion_percent}%</progress>
        <span>{plan.completion_percent}% of the planned sessions done</span>
      </p>
    </section>
  );
}

export function ReportsPage() {
  const { profile } = useProfile();
  const { data, error } = useLoad(() => api<{ reports: Report[] }>('/reports/users/me/reports'), []);
  return (
    <>
      <h1>Monthly reports</h1>
      {error ? <ErrorMessage error={error} /> : !data ? <Loading what="reports" /> : data.reports.length === 0 ? (
        <Empty><p>Your first report arrives on the first day of next month.</p></Empty>
      ) : (
        <ul className="reports">
          {data.reports.map((report) => (
            <li key={report.month} className="card">
              <h2>{monthName(Number(report.month.slice(0, 4)), Number(report.month.slice(5, 7)))}</h2>
              <dl className="figures">
                <div><dt>Distance</dt><dd>{distance(report.distance, profile.units)}</dd></div>
                <div><dt>Runs</dt><dd>{report.run_count}</dd></div>
                <div><dt>Time</dt><dd>{duration(report.moving_time)}</dd></div>
                <div><dt>Average pace</dt><dd>{pace(report.average_speed, profile.units)}</dd></div>
                <div><dt>Longest run</dt><dd>{distance(report.longest_run, profile.units)}</dd></div>
                <div><dt>Elevation</dt><dd>{Math.round(report.elevation_gain)} m</dd></div>
              </dl>
              <p className="meta">
                {report.previous_month
                  ? `Month before: ${distance(report.previous_month.distance, profile.units)} in ${report.previous_month.run_count} runs${report.distance_change_percent === null || report.distance_change_percent === undefined ? '' : ` (${report.distance_change_percent >= 0 ? '+' : ''}${report.distance_change_percent}% distance)`}.`
                  : 'No runs the month before.'}
              </p>
              {report.plan ? <PlanComparisonFigures plan={report.plan} units={profile.units} headingId={`plan-${report.month}`} /> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
