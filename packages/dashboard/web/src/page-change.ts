// What a screen reader and a keyboard need when the app changes page without loading one: a title
// naming the page (WCAG 2.4.2), and the focus moved to the new content instead of left on the link.
import { useEffect, useRef, type RefObject } from 'react';
import { useLocation } from 'react-router';

const TITLES: [prefix: string, title: string][] = [
  ['/runs/', 'Run'],
  ['/runs', 'Runs'],
  ['/races', 'Races'],
  ['/plan', 'Training plan'],
  ['/reports', 'Monthly reports'],
  ['/settings', 'Settings'],
];

export function pageTitle(pathname: string): string {
  if (pathname === '/') return 'Home – Runnerly';
  const match = TITLES.find(([prefix]) => pathname.startsWith(prefix));
  return match ? `${match[1]} – Runnerly` : 'Page not found – Runnerly';
}

/** Names the page in the title and, after a navigation inside the app, focuses `main`. */
export function usePageChange(main: RefObject<HTMLElement | null>): void {
  const { pathname } = useLocation();
  const shown = useRef(pathname);
  useEffect(() => {
    document.title = pageTitle(pathname);
    // On the first page the browser's own focus handling is right; afterwards the focus would stay on the clicked link.
    if (shown.current === pathname) return;
    shown.current = pathname;
    main.current?.focus();
  }, [pathname, main]);
}
