--[[
  Log one habit entry, once: the entry, its day in the by-day index, the day in the habit's streak
  days and the "recent" list (what undo takes back) change together or not at all. A log id already
  stored (a redelivered message) changes nothing.

  KEYS[1]  the chat's entries hash (log id -> JSON)
  KEYS[2]  the chat's by-day sorted set (log id, scored by day number)
  KEYS[3]  the habit's days sorted set (member YYYY-MM-DD, scored by day number)
  KEYS[4]  the chat's recent list (log ids, newest first)
  ARGV[1]  log id
  ARGV[2]  entry JSON
  ARGV[3]  day number (days since 1970-01-01)
  ARGV[4]  the day, YYYY-MM-DD
  ARGV[5]  how many ids the recent list keeps

  Returns  1 when logged, 0 when the log id was there already
]]
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('LPUSH', KEYS[4], ARGV[1])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[5]) - 1)
return 1
