// The plan as an iCalendar file (RFC 5545): one all-day event per session (rest days left out),
// with stable UIDs so that importing the file again updates the events instead of adding copies.
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { PlannedWeek } from '../schedule/generate-plan.js';
import { parseDate } from '../schedule/local-dates.js';

export interface CalendarPlan {
  id: string;
  raceName: string;
  templateName: string;
  weeks: readonly PlannedWeek[];
  updatedAt: Date;
}

const kilometres = (metres: number): string => `${(metres / 1000).toFixed(metres % 1000 === 0 ? 0 : 1)} km`;

export function planCalendar(plan: CalendarPlan): string {
  const calendar = ical({
    name: `${plan.raceName}: ${plan.templateName}`,
    prodId: { company: 'Runnerly', product: 'plans', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const week of plan.weeks) {
    for (const session of week.sessions) {
      if (session.kind === 'rest') continue;
      const start = new Date(parseDate(session.date));
      calendar.createEvent({
        id: `${plan.id}-${session.date}@runnerly`,
        start,
        allDay: true,
        stamp: plan.updatedAt,
        summary: session.kind === 'race' ? `${plan.raceName} (${kilometres(session.distance)})` : `${session.title}: ${kilometres(session.distance)}`,
        description: `Week ${week.index + 1}. ${session.description}`,
      });
    }
  }
  return calendar.toString();
}
