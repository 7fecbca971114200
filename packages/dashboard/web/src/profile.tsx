// The runner's profile (units, time zone) for every page.
import { createContext, useContext } from 'react';
import type { Profile } from './types';

export const ProfileContext = createContext<{ profile: Profile; update: (profile: Profile) => void } | undefined>(undefined);

export function useProfile(): { profile: Profile; update: (profile: Profile) => void } {
  const value = useContext(ProfileContext);
  if (!value) throw new Error('useProfile outside the signed-in app');
  return value;
}
