// One readable log stream for the whole system: each service writes pino JSON lines; they are
// shown as "time service level message {other fields}", each line naming its service.
const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const HIDDEN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'service', 'v']);

export function formatLogLine(service: string, text: string, width: number): string {
  const name = service.padEnd(width);
  if (!text.startsWith('{')) return `${name} | ${text}`;
  try {
    const record = JSON.parse(text) as Record<string, unknown>;
    const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
    const level = (typeof record.level === 'number' ? LEVELS[record.level] : undefined) ?? String(record.level ?? '');
    const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !HIDDEN_FIELDS.has(key)));
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${time} ${name} ${level.padEnd(5)} ${String(record.msg ?? '')}${extra}`;
  } catch {
    return `${name} | ${text}`;
  }
}
