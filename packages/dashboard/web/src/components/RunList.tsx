import { Link } from 'react-router';
import type { Run } from '../types';
import { date, distance, duration, pace } from '../format';
import { useProfile } from '../profile';
import { RouteShape } from './RouteShape';

export function RunList({ runs }: { runs: Run[] }) {
  const { profile } = useProfile();
  return (
    <ul className="runs">
      {runs.map((run) => (
        <li key={run.id} className="run-card">
          <RouteShape polyline={run.summary_polyline} size={72} label={`Route of ${run.name}`} />
          <div>
            <h3><Link to={`/runs/${encodeURIComponent(run.id)}`}>{run.name}</Link></h3>
            <p className="meta">{date(run.start_date_local ?? run.start_date)} · {run.sport_type}</p>
            <dl className="figures">
              <div><dt>Distance</dt><dd>{distance(run.distance, profile.units)}</dd></div>
              <div><dt>Time</dt><dd>{duration(run.moving_time)}</dd></div>
              <div><dt>Pace</dt><dd>{pace(run.average_speed, profile.units)}</dd></div>
            </dl>
          </div>
        </li>
      ))}
    </ul>
  );
}
