export {
  addDays,
  fromLocal,
  isTimeZone,
  localDayBounds,
  offsetMs,
  parseDate,
  parseLocalTime,
  toLocal,
  type LocalDateTime,
} from "./zoned-time.ts";
export {
  availableIntervals,
  findConflict,
  overlaps,
  withinWorkingHours,
  type BusyBooking,
  type Conflict,
  type Interval,
  type WeeklyWindow,
} from "./availability.ts";
