import { Link } from 'react-router';
import { api } from '../api';
import type { Run, Totals } from '../types';
import { distance, duration } from '../format';
import { useProfile } from '../profile';
import { addDays, mondayOf, todayIn } from '../dates';
import { Empty, ErrorMessage, Loading, useLoad } from '../components/State';
import { RunList } from '../components/RunList';
import { WeeklyChart } from '../components/WeeklyChart';

interface HomeData {
  runs: Run[];
  week: Totals | undefined;
  month: Totals | undefined;
  weeks: Totals[];
}

export function HomePage() {
  const { profile } = useProfile();
  const today = todayIn(profile.timezone);
  const { data, error } = useLoad<HomeData>(async () => {
    const sixMonthsAgo = addDays(mondayOf(today), -25 * 7);
    const [runs, weeks, months] = await Promise.all([
      api<{ runs: Run[] }>('/data/users/me/runs?limit=5'),
      api<{ totals: Totals[] }>(`/data/users/me/totals?period=week&from=${sixMonthsAgo}&to=${today}`),
      api<{ totals: Totals[] }>(`/data/users/me/totals?period=month&from=${today.slice(0, 8)}01&to=${today}`),
    ]);
    return { runs: runs.runs, week: weeks.totals.at(-1), month: months.totals.at(-1), weeks: weeks.totals };
  }, [today]);
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="your running" />;
  const summary = (label: string, totals: Totals | undefined) => (
    <section className="total" aria-label={label}>
      <h2>{label}</h2>
      <p className="big">{distance(totals?.distance ?? 0, profile.units)}</p>
      <p>{totals?.count ?? 0} runs · {duration(totals?.moving_time ?? 0)}</p>
    </section>
  );
  return (
    <>
      <h1>Hello{profile.display_name ? `, ${profile.display_name}` : ''}</h1>
      <div className="totals">
        {summary('This week', data.week)}
        {summary('This month', data.month)}
      </div>
      <WeeklyChart weeks={data.weeks} units={profile.units} />
      <h2>Last runs</h2>
      {data.runs.length === 0 ? (
        <Empty>
          <p>No runs yet. <Link to="/settings">Connect Strava or upload files</Link> to bring your runs in.</p>
        </Empty>
      ) : (
        <RunList runs={data.runs} />
      )}
    </>
  );
}
