import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import type { Race } from '../types';
import { date, distance } from '../format';
import { useProfile } from '../profile';
import { Empty, ErrorMessage, Loading, useLoad } from '../components/State';

const DISTANCES: [string, number][] = [['5K', 5000], ['10K', 10000], ['Half marathon', 21097.5], ['Marathon', 42195]];

function AddRace({ onAdded }: { onAdded: () => void }) {
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await api('/data/races', {
        method: 'POST',
        body: { name: form.get('name'), date: form.get('date'), distance: Number(form.get('distance')), location: form.get('location') || null, url: form.get('url') || null },
      });
      event.currentTarget?.reset();
      onAdded();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'Could not add the race.'));
    } finally {
      setBusy(false);
    }
  };
  // A field the service refused is marked invalid and described by the message saying why.
  const invalid = (field: string) => (error?.field === field ? { 'aria-invalid': true, 'aria-describedby': 'add-race-error' } : {});
  return (
    <form className="card form" onSubmit={(event) => void submit(event)} aria-labelledby="add-race">
      <h2 id="add-race">Add a race</h2>
      <label>Name <input name="name" required maxLength={200} {...invalid('name')} /></label>
      <label>Date <input name="date" type="date" required {...invalid('date')} /></label>
      <label>Distance
        <select name="distance" defaultValue="10000">{DISTANCES.map(([label, metres]) => <option key={label} value={metres}>{label}</option>)}</select>
      </label>
      <label>Place <input name="location" maxLength={200} /></label>
      <label>Web page <input name="url" type="url" maxLength={2000} placeholder="https://" {...invalid('url')} /></label>
      {error ? <p className="error" role="alert" id="add-race-error">{error.message}</p> : null}
      <button type="submit" className="primary" disabled={busy}>{busy ? 'Adding…' : 'Add race'}</button>
    </form>
  );
}

export function RacesPage() {
  const { profile } = useProfile();
  const { data, error, reload } = useLoad(() => api<{ races: Race[] }>('/data/races'), []);
  const [actionError, setActionError] = useState<unknown>();
  const toggle = async (race: Race) => {
    setActionError(undefined);
    try {
      await api(`/data/races/${encodeURIComponent(race.id)}/entry`, { method: race.entered ? 'DELETE' : 'PUT' });
      reload();
    } catch (failure) {
      setActionError(failure);
    }
  };
  return (
    <>
      <h1>Races</h1>
      {actionError ? <ErrorMessage error={actionError} /> : null}
      {error ? <ErrorMessage error={error} /> : !data ? <Loading what="races" /> : data.races.length === 0 ? (
        <Empty><p>No upcoming races yet: add the first one.</p></Empty>
      ) : (
        <ul className="races">
          {data.races.map((race) => (
            <li key={race.id} className="card">
              <h2>{race.url ? <a href={race.url} rel="noopener noreferrer" target="_blank">{race.name}<span className="visually-hidden"> (opens in a new tab)</span></a> : race.name}</h2>
              <p className="meta">{date(race.date)} · {distance(race.distance, profile.units)}{race.location ? ` · ${race.location}` : ''}</p>
              <p>{race.entrants} {race.entrants === 1 ? 'runner' : 'runners'} running it</p>
              <button type="button" aria-pressed={race.entered} onClick={() => void toggle(race)}>{race.entered ? "✓ I'm running it" : "I'm running it"}</button>
            </li>
          ))}
        </ul>
      )}
      <AddRace onAdded={reload} />
    </>
  );
}
