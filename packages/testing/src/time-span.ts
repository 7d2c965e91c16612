const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Seconds per unit, under every spelling jose's time spans accept. */
const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: MINUTE, min: MINUTE, mins: MINUTE, minute: MINUTE, minutes: MINUTE,
  h: HOUR, hr: HOUR, hrs: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: 7 * DAY, week: 7 * DAY, weeks: 7 * DAY,
  y: 365.25 * DAY, yr: 365.25 * DAY, yrs: 365.25 * DAY, year: 365.25 * DAY, years: 365.25 * DAY,
};

const SPAN = /^([+-])? *(\d+(?:\.\d+)?) *([a-z]+)(?: +(ago|from now))?$/i;

/**
 * Seconds in a relative time: a number of seconds as is, or a time span in the style jose accepts
 * (`'30s'`, `'5m'`, `'2 hours'`, `'-1h'`, `'10 minutes ago'`). Throws a `TypeError` naming `option`.
 *
 * @example
 * parseTimeSpan('5m', 'expiresIn'); // 300
 * parseTimeSpan('1h ago', 'notBefore'); // -3600
 */
export function parseTimeSpan(value: number | string, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${option} must be a finite number of seconds`);
    return Math.round(value);
  }
  const match = typeof value === 'string' ? SPAN.exec(value.trim()) : null;
  const unit = match?.[3] === undefined ? undefined : UNIT_SECONDS[match[3].toLowerCase()];
  if (match === null || unit === undefined) {
    throw new TypeError(`${option} must be seconds or a time span such as '5m' (got ${JSON.stringify(value)})`);
  }
  if (match[1] !== undefined && match[4] !== undefined) {
    throw new TypeError(`${option}: use either a sign or '${match[4]}', not both`);
  }
  const seconds = Math.round(Number(match[2]) * unit);
  return match[1] === '-' || match[4]?.toLowerCase() === 'ago' ? -seconds : seconds;
}
