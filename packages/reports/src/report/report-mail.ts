// The monthly report as mail: HTML with a plain-text alternative, in the runner's units.
import type { MailMessage } from '@runnerly/mail';
import type { MonthlyReport } from './build-report.js';
import type { PlanComparison } from './plan-comparison.js';

const METRES_PER_MILE = 1609.344;
type Units = 'km' | 'mi';

const escape = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function distance(metres: number, units: Units): string {
  return `${(units === 'mi' ? metres / METRES_PER_MILE : metres / 1000).toFixed(1)} ${units}`;
}

function duration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${String(minutes).padStart(2, '0')} min` : `${minutes} min`;
}

function pace(speed: number, units: Units): string {
  if (!(speed > 0)) return '–';
  const perUnit = (units === 'mi' ? METRES_PER_MILE : 1000) / speed;
  const minutes = Math.floor(perUnit / 60);
  const seconds = Math.round(perUnit % 60);
  return `${seconds === 60 ? minutes + 1 : minutes}:${String(seconds === 60 ? 0 : seconds).padStart(2, '0')} min/${units}`;
}

export function monthTitle(month: string): string {
  return new Date(`${month}-15T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function day(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** The comparison with the training plan: a heading and its rows, or nothing without a plan. */
function planSection(plan: PlanComparison | null, units: Units): { heading: string; rows: [string, string][] } | undefined {
  if (!plan) return undefined;
  return {
    heading: `Your training plan (${plan.template.name}, for ${plan.race.name} on ${day(plan.race.date)})`,
    rows: [
      ['Sessions done', `${plan.sessions_done} of ${plan.planned_sessions} (${plan.completion_percent}%)`],
      ['Distance', `${distance(plan.distance_run, units)} run of ${distance(plan.planned_distance, units)} planned`],
    ],
  };
}

export function reportMail(report: MonthlyReport, to: string, options: { units: Units; name: string | null; dashboardUrl: string }): MailMessage {
  const title = monthTitle(report.month);
  const rows: [string, string][] = [
    ['Distance', distance(report.distance, options.units)],
    ['Runs', String(report.run_count)],
    ['Time', duration(report.moving_time)],
    ['Average pace', pace(report.average_speed, options.units)],
    ['Longest run', distance(report.longest_run, options.units)],
    ['Elevation gain', `${Math.round(report.elevation_gain)} m`],
  ];
  const comparison = report.previous_month
    ? `That is ${report.distance_change_percent === null ? 'a start' : `${report.distance_change_percent >= 0 ? '+' : ''}${report.distance_change_percent}%`} on the month before (${distance(report.previous_month.distance, options.units)} in ${report.previous_month.run_count} runs).`
    : 'You did not run the month before: a fresh start!';
  // Reports stored before plans were compared have no `plan` at all.
  const plan = planSection(report.plan ?? null, options.units);
  const link = `${options.dashboardUrl}/reports`;
  const greeting = `Hello${options.name ? ` ${options.name}` : ''},`;
  const text = [greeting, '', `Your running in ${title}:`, '', ...rows.map(([label, value]) => `  ${label}: ${value}`), '', comparison, '', ...(plan ? [`${plan.heading}:`, ...plan.rows.map(([label, value]) => `  ${label}: ${value}`), ''] : []), `See it in Runnerly: ${link}`, '', 'You can turn these mails off in Settings.'].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family: sans-serif; color: #14202b">
<p>${escape(greeting)}</p>
<h1 style="font-size: 20px">Your running in ${escape(title)}</h1>
<table role="presentation" cellpadding="4">${rows.map(([label, value]) => `<tr><th align="left">${escape(label)}</th><td>${escape(value)}</td></tr>`).join('')}</table>
<p>${escape(comparison)}</p>
${plan ? `<h2 style="font-size: 16px">${escape(plan.heading)}</h2>\n<table role="presentation" cellpadding="4">${plan.rows.map(([label, value]) => `<tr><th align="left">${escape(label)}</th><td>${escape(value)}</td></tr>`).join('')}</table>\n` : ''}<p><a href="${escape(link)}">See it in Runnerly</a></p>
<p style="color: #4a5866; font-size: 12px">You can turn these mails off in Settings.</p>
</body></html>`;
  return { to, subject: `Your running in ${title}`, text, html, links: [link] };
}
