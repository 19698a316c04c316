// Calendar functions on Unix seconds, in UTC as Prometheus computes them.
export type DateFn = (sec: number) => number;

function d(sec: number): Date {
  return new Date(Math.floor(sec) * 1000 + 0);
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
}

function dayOfYear(dt: Date): number {
  const start = Date.UTC(dt.getUTCFullYear(), 0, 1);
  return Math.floor((dt.getTime() - start) / 86400000) + 1;
}

export const dateFns: Record<string, DateFn> = {
  day_of_month: (s) => d(s).getUTCDate(),
  day_of_week: (s) => d(s).getUTCDay(),
  day_of_year: (s) => dayOfYear(d(s)),
  days_in_month: (s) => {
    const dt = d(s);
    return daysInMonth(dt.getUTCFullYear(), dt.getUTCMonth());
  },
  hour: (s) => d(s).getUTCHours(),
  minute: (s) => d(s).getUTCMinutes(),
  month: (s) => d(s).getUTCMonth() + 1,
  year: (s) => d(s).getUTCFullYear(),
};
