// A site's business-hours calendar: the one definition of "working time" that the widget's
// availability, the meetings' site rules, SLA deadlines and business-time reports all read.

/** One working interval on a weekday, on the site's wall clock; `to` may be "24:00". */
export interface WorkingInterval {
  /** 0 = Sunday … 6 = Saturday. */
  day: number;
  /** "HH:MM". */
  from: string;
  /** "HH:MM", after `from`. */
  to: string;
}

/**
 * A site's business hours: a zone, several intervals per weekday (a lunch break is two
 * intervals), and holidays (dates in the site's zone with no working time).
 */
export interface BusinessCalendar {
  /** false: the site works around the clock (every second is a business second). */
  enabled: boolean;
  /** IANA zone the intervals and holidays are read in. */
  timeZone: string;
  intervals: WorkingInterval[];
  /** "YYYY-MM-DD" dates in `timeZone`. */
  holidays: string[];
}
