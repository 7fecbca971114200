import { Link, useParams } from 'react-router';
import { api } from '../api';
import type { Run } from '../types';
import { date, distance, duration, pace } from '../format';
import { useProfile } from '../profile';
import { ErrorMessage, Loading, useLoad } from '../components/State';
import { RouteShape } from '../components/RouteShape';

export function RunPage() {
  const { id = '' } = useParams();
  const { profile } = useProfile();
  const { data: run, error } = useLoad(() => api<Run>(`/data/users/me/runs/${encodeURIComponent(id)}`), [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!run) return <Loading what="the run" />;
  const figures: [string, string][] = [
    ['Distance', distance(run.distance, profile.units)],
    ['Moving time', duration(run.moving_time)],
    ['Elapsed time', duration(run.elapsed_time)],
    ['Average pace', pace(run.average_speed, profile.units)],
    ['Elevation gain', `${Math.round(run.total_elevation_gain)} m`],
    ['Average heart rate', run.average_heartrate ? `${Math.round(run.average_heartrate)} bpm` : '–'],
    ['Max heart rate', run.max_heartrate ? `${Math.round(run.max_heartrate)} bpm` : '–'],
  ];
  return (
    <article className="run-page">
      <p><Link to="/runs">← All runs</Link></p>
      <h1>{run.name}</h1>
      <p className="meta">{date(run.start_date_local ?? run.start_date)} · {run.sport_type} · from {run.source === 'strava' ? 'Strava' : run.source === 'file' ? 'a file' : 'manual entry'}</p>
      <RouteShape polyline={run.summary_polyline} size={320} label={`Route of ${run.name}`} />
      <dl className="figures large">{figures.map(([label, value]) => <div key={label}><dt>{label}</dt><dd>{value}</dd></div>)}</dl>
      {run.description ? <p>{run.description}</p> : null}
    </article>
  );
}
