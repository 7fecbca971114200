import { useSearchParams } from 'react-router';
import { api } from '../api';
import type { Run } from '../types';
import { distance, monthName } from '../format';
import { useProfile } from '../profile';
import { todayIn } from '../dates';
import { Empty, ErrorMessage, Loading, useLoad } from '../components/State';
import { RunList } from '../components/RunList';

export function RunsPage() {
  const { profile } = useProfile();
  const [params, setParams] = useSearchParams();
  const today = todayIn(profile.timezone);
  const year = Number(params.get('year') ?? today.slice(0, 4));
  const month = Number(params.get('month') ?? today.slice(5, 7));
  const { data, error } = useLoad(() => api<{ runs: Run[] }>(`/data/users/me/runs?year=${year}&month=${month}`), [year, month]);
  const go = (delta: number) => {
    const index = year * 12 + (month - 1) + delta;
    setParams({ year: String(Math.floor(index / 12)), month: String((index % 12) + 1) });
  };
  const total = data?.runs.reduce((sum, run) => sum + run.distance, 0) ?? 0;
  return (
    <>
      <h1>Runs</h1>
      <div className="month-nav">
        <button type="button" onClick={() => go(-1)} aria-label="Previous month">‹</button>
        <h2 aria-live="polite">{monthName(year, month)}</h2>
        <button type="button" onClick={() => go(1)} aria-label="Next month">›</button>
      </div>
      {error ? <ErrorMessage error={error} /> : !data ? <Loading what="runs" /> : data.runs.length === 0 ? (
        <Empty><p>No runs in {monthName(year, month)}.</p></Empty>
      ) : (
        <>
          <p>{data.runs.length} runs · {distance(total, profile.units)}</p>
          <RunList runs={[...data.runs].reverse()} />
        </>
      )}
    </>
  );
}
