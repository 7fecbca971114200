import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import type { Plan, Race, Template } from '../types';
import { date, distance } from '../format';
import { useProfile } from '../profile';
import { Empty, ErrorMessage, Loading, useLoad } from '../components/State';

function ChoosePlan({ onChosen }: { onChosen: (plan: Plan) => void }) {
  const { data, error } = useLoad(async () => {
    const [templates, races] = await Promise.all([api<{ templates: Template[] }>('/plans/templates'), api<{ races: Race[] }>('/data/races')]);
    return { templates: templates.templates, races: races.races };
  }, []);
  const [failure, setFailure] = useState<ApiError>();
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="plans and races" />;
  if (data.races.length === 0) return <Empty><p>Add a race on the Races page first, then pick a plan for it.</p></Empty>;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      onChosen(await api<Plan>('/plans/users/me/plan', { method: 'PUT', body: { race_id: form.get('race_id'), template_id: form.get('template_id') } }));
    } catch (caught) {
      setFailure(caught instanceof ApiError ? caught : new ApiError(0, 'Could not make the plan.'));
    }
  };
  return (
    <form className="card form" onSubmit={(event) => void submit(event)}>
      <h2>Pick a race and a plan</h2>
      <label>Race
        <select name="race_id" required>{data.races.map((race) => <option key={race.id} value={race.id}>{race.name} ({race.date})</option>)}</select>
      </label>
      <label>Plan
        <select name="template_id" required>{data.templates.map((template) => <option key={template.id} value={template.id}>{template.name}: {template.weeks} weeks</option>)}</select>
      </label>
      {failure ? <p className="error" role="alert">{failure.message}</p> : null}
      <button type="submit" className="primary">Make my plan</button>
    </form>
  );
}

export function PlanPage() {
  const { profile } = useProfile();
  const { data, error, reload } = useLoad(async () => {
    try {
      return await api<Plan>('/plans/users/me/plan');
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) return null;
      throw failure;
    }
  }, []);
  const [changing, setChanging] = useState(false);
  if (error) return <ErrorMessage error={error} />;
  if (data === undefined) return <Loading what="your plan" />;
  if (data === null || changing) return <><h1>Training plan</h1><ChoosePlan onChosen={() => { setChanging(false); reload(); }} /></>;
  return (
    <>
      <h1>Training plan</h1>
      <p>{data.template.name} for <strong>{data.race.name}</strong> on {date(data.race.date)}.</p>
      <p className="actions">
        <a className="button" href="/bff/api/plans/users/me/plan/calendar.ics" download="runnerly-plan.ics">Download calendar (.ics)</a>
        <button type="button" onClick={() => setChanging(true)}>Change plan</button>
      </p>
      <ol className="weeks">
        {data.weeks.map((week) => (
          <li key={week.index} className={`card week${week.index === data.current_week ? ' current' : ''}`} aria-current={week.index === data.current_week ? 'true' : undefined}>
            <h2>Week {week.index + 1}{week.index === data.current_week ? ' (this week)' : ''} <span className="meta">from {date(week.start)} · {distance(week.distance, profile.units)} · {week.phase}</span></h2>
            <ul className="sessions">
              {week.sessions.filter((session) => session.kind !== 'rest').map((session) => (
                <li key={session.date} className={`session ${session.kind}`}>
                  <span className="day">{date(session.date)}</span>
                  <span>{session.title}: {distance(session.distance, profile.units)}</span>
                  <span className={session.matched === true ? 'done' : 'missed'}>{session.matched === true ? '✓ done' : session.matched === false ? 'missed' : ''}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </>
  );
}
