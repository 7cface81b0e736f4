/**
 * Calendar days in the owner's time zone: the runtime's calendar, whose Intl formatter per zone is
 * made once (a new one costs 0.1–0.5 ms).
 */
export { dayIn } from '@hive/agent';
