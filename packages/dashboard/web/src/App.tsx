import { useEffect, useRef, useState } from 'react';
import { BrowserRouter, NavLink, Route, Routes, useLocation } from 'react-router';
import { api, fetchSession, signOut, type SessionInfo } from './api';
import { ProfileContext } from './profile';
import { usePageChange } from './page-change';
import type { Profile } from './types';
import { ErrorMessage, Loading } from './components/State';
import { HomePage } from './pages/HomePage';
import { RunsPage } from './pages/RunsPage';
import { RunPage } from './pages/RunPage';
import { RacesPage } from './pages/RacesPage';
import { PlanPage } from './pages/PlanPage';
import { ReportsPage } from './pages/ReportsPage';
import { SettingsPage } from './pages/SettingsPage';

function SignedOut() {
  const location = useLocation();
  const returnTo = encodeURIComponent(location.pathname + location.search);
  return (
    <main id="main" className="landing">
      <h1>Runnerly</h1>
      <p>Your runs, your races and your training plan in one place. Import from Strava or from your watch's files.</p>
      <p><a className="button primary" href={`/auth/login?return_to=${returnTo}`}>Sign in</a></p>
    </main>
  );
}

function SignedIn({ session }: { session: SessionInfo }) {
  const main = useRef<HTMLElement>(null);
  usePageChange(main);
  const [profile, setProfile] = useState<Profile>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<Profile>('/data/users/me').then(setProfile, setError);
  }, []);
  if (error) return <main id="main"><ErrorMessage error={error} /></main>;
  if (!profile) return <main id="main"><Loading what="your profile" /></main>;
  const links: [string, string][] = [['/', 'Home'], ['/runs', 'Runs'], ['/races', 'Races'], ['/plan', 'Plan'], ['/reports', 'Reports'], ['/settings', 'Settings']];
  return (
    <ProfileContext.Provider value={{ profile, update: setProfile }}>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Runnerly</span>
        <nav aria-label="Main">
          <ul>{links.map(([to, label]) => <li key={to}><NavLink to={to} end={to === '/'}>{label}</NavLink></li>)}</ul>
        </nav>
        <button type="button" className="link-button" onClick={() => void signOut()}>Sign out{session.user?.email ? ` (${session.user.email})` : ''}</button>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/runs" element={<RunsPage />} />
          <Route path="/runs/:id" element={<RunPage />} />
          <Route path="/races" element={<RacesPage />} />
          <Route path="/plan" element={<PlanPage />} />
          <Route path="/reports" element={<ReportsPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<p>This page does not exist.</p>} />
        </Routes>
      </main>
    </ProfileContext.Provider>
  );
}

export function App() {
  const [session, setSession] = useState<SessionInfo>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    fetchSession().then(setSession, setError);
  }, []);
  if (error) return <main id="main"><ErrorMessage error={error} /></main>;
  if (!session) return <main id="main"><Loading what="Runnerly" /></main>;
  return <BrowserRouter>{session.signed_in ? <SignedIn session={session} /> : <SignedOut />}</BrowserRouter>;
}
