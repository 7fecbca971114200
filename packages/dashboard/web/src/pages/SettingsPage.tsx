import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, upload } from '../api';
import type { Profile } from '../types';
import { useProfile } from '../profile';
import { ErrorMessage, Loading, useLoad } from '../components/State';

interface StravaStatus {
  linked: boolean;
  athlete_id?: string | number | null;
  state: 'not_linked' | 'importing' | 'idle' | 'paused' | 'failed';
  imported?: number;
  total?: number | null;
  paused_until?: string | null;
  last_error?: string | null;
}

interface UploadResult {
  files: { file: string; status: string; reason?: string; error?: string }[];
}

const ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

function ProfileForm() {
  const { profile, update } = useProfile();
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const number = (name: string) => (form.get(name) === '' ? null : Number(form.get(name)));
    setMessage(undefined);
    setError(undefined);
    try {
      update(
        await api<Profile>('/data/users/me', {
          method: 'PATCH',
          body: {
            display_name: form.get('display_name') || null,
            units: form.get('units'),
            timezone: form.get('timezone'),
            birth_year: number('birth_year'),
            weight_kg: number('weight_kg'),
            max_heartrate: number('max_heartrate'),
            resting_heartrate: number('resting_heartrate'),
            report_emails: form.get('report_emails') === 'on',
          },
        }),
      );
      setMessage('Saved.');
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'Could not save.'));
    }
  };
  // A field the service refused is marked invalid and described by the message saying why.
  const invalid = (field: string) => (error?.field === field ? { 'aria-invalid': true, 'aria-describedby': 'profile-error' } : {});
  return (
    <form className="card form" onSubmit={(event) => void submit(event)} aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <label>Name <input name="display_name" defaultValue={profile.display_name ?? ''} maxLength={100} {...invalid('display_name')} /></label>
      <fieldset>
        <legend>Units</legend>
        <label className="inline"><input type="radio" name="units" value="km" defaultChecked={profile.units === 'km'} /> Kilometres</label>
        <label className="inline"><input type="radio" name="units" value="mi" defaultChecked={profile.units === 'mi'} /> Miles</label>
      </fieldset>
      <label>Time zone
        <select name="timezone" defaultValue={profile.timezone} {...invalid('timezone')}>{(ZONES.includes(profile.timezone) ? ZONES : [profile.timezone, ...ZONES]).map((zone) => <option key={zone}>{zone}</option>)}</select>
      </label>
      <label>Birth year <input name="birth_year" type="number" min={1900} max={2030} defaultValue={profile.birth_year ?? ''} {...invalid('birth_year')} /></label>
      <label>Weight (kg) <input name="weight_kg" type="number" min={20} max={300} step="0.1" defaultValue={profile.weight_kg ?? ''} {...invalid('weight_kg')} /></label>
      <label>Max heart rate <input name="max_heartrate" type="number" min={100} max={250} defaultValue={profile.max_heartrate ?? ''} {...invalid('max_heartrate')} /></label>
      <label>Resting heart rate <input name="resting_heartrate" type="number" min={25} max={120} defaultValue={profile.resting_heartrate ?? ''} {...invalid('resting_heartrate')} /></label>
      <label className="inline"><input name="report_emails" type="checkbox" defaultChecked={profile.report_emails} /> Email me my monthly report</label>
      {error ? <p className="error" role="alert" id="profile-error">{error.message}</p> : null}
      {message ? <p role="status">{message}</p> : null}
      <button type="submit" className="primary">Save profile</button>
    </form>
  );
}

function StravaSection() {
  const { data: status, error, reload } = useLoad(() => api<StravaStatus>('/strava/users/me'), []);
  const [failure, setFailure] = useState<unknown>();
  const [deleteRuns, setDeleteRuns] = useState(false);
  useEffect(() => {
    if (status?.state !== 'importing') return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [status?.state, reload]);
  const connect = async () => {
    try {
      const { authorize_url } = await api<{ authorize_url: string }>('/strava/users/me/link', { method: 'POST', body: { return_to: `${window.location.origin}/settings` } });
      window.location.assign(authorize_url);
    } catch (caught) {
      setFailure(caught);
    }
  };
  const disconnect = async () => {
    try {
      await api(`/strava/users/me/link?delete_runs=${deleteRuns}`, { method: 'DELETE' });
      reload();
    } catch (caught) {
      setFailure(caught);
    }
  };
  const linkResult = new URLSearchParams(window.location.search).get('strava');
  return (
    <section className="card" aria-labelledby="strava-title">
      <h2 id="strava-title">Strava</h2>
      {linkResult === 'error' ? <p className="error" role="alert">Connecting Strava did not work: {new URLSearchParams(window.location.search).get('reason') ?? 'please try again'}.</p> : null}
      {failure ? <ErrorMessage error={failure} /> : null}
      {error ? <ErrorMessage error={error} /> : !status ? <Loading what="your Strava link" /> : !status.linked ? (
        <button type="button" className="primary strava" onClick={() => void connect()}>Connect with Strava</button>
      ) : (
        <>
          <p role="status" aria-live="polite">
            {status.state === 'importing' ? `Importing your runs: ${status.imported ?? 0}${status.total ? ` of ${status.total}` : ''}…` : null}
            {status.state === 'idle' ? `Connected. ${status.imported ?? 0} runs imported; new runs arrive by themselves.` : null}
            {status.state === 'paused' ? `Import paused by Strava's rate limit until ${status.paused_until ? new Date(status.paused_until).toLocaleTimeString() : 'later'}; it resumes by itself.` : null}
            {status.state === 'failed' ? `The import failed: ${status.last_error ?? 'unknown reason'}.` : null}
          </p>
          {status.state === 'importing' ? <progress max={status.total ?? undefined} value={status.imported ?? 0} aria-label="Import progress" /> : null}
          <label className="inline"><input type="checkbox" checked={deleteRuns} onChange={(event) => setDeleteRuns(event.target.checked)} /> Also delete the runs imported from Strava</label>
          <p><button type="button" onClick={() => void disconnect()}>Disconnect</button></p>
        </>
      )}
    </section>
  );
}

function UploadSection() {
  const [progress, setProgress] = useState<number>();
  const [result, setResult] = useState<UploadResult>();
  const [failure, setFailure] = useState<unknown>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem('files') as HTMLInputElement;
    const files = [...(input.files ?? [])];
    if (files.length === 0) return;
    setFailure(undefined);
    setResult(undefined);
    setProgress(0);
    try {
      setResult(await upload<UploadResult>('/data/users/me/imports', files, setProgress));
    } catch (caught) {
      setFailure(caught);
    } finally {
      setProgress(undefined);
    }
  };
  return (
    <form className="card form" onSubmit={(event) => void submit(event)} aria-labelledby="upload-title">
      <h2 id="upload-title">Upload files</h2>
      <p>GPX, TCX or FIT files from your watch, or the ZIP of a Strava bulk export.</p>
      <label>Files <input name="files" type="file" multiple accept=".gpx,.tcx,.fit,.gz,.zip" /></label>
      <button type="submit" className="primary" disabled={progress !== undefined}>Upload</button>
      {progress !== undefined ? <progress max={1} value={progress} aria-label="Upload progress" /> : null}
      {failure ? <ErrorMessage error={failure} /> : null}
      {result ? (
        <ul className="upload-results" aria-live="polite">
          {result.files.map((file, index) => <li key={`${file.file}-${index}`} className={file.status}>{file.file}: {file.status}{file.reason ? ` (${file.reason})` : ''}{file.error ? ` (${file.error})` : ''}</li>)}
        </ul>
      ) : null}
    </form>
  );
}

export function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <ProfileForm />
      <StravaSection />
      <UploadSection />
    </>
  );
}
