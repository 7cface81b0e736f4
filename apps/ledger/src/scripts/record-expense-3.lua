--[[
  Record one expense, once: the hash, the by-day index and the "recent" list (what undo takes back)
  change together or not at all. An id already stored (a redelivered message) changes nothing.

  KEYS[1]  the chat's expenses hash (expense id -> JSON)
  KEYS[2]  the chat's by-day sorted set (expense id, scored by day number)
  KEYS[3]  the chat's recent list (expense ids, newest first)
  ARGV[1]  expense id
  ARGV[2]  expense JSON
  ARGV[3]  day number of the day it was spent (days since 1970-01-01)
  ARGV[4]  how many ids the recent list keeps

  Returns  1 when recorded, 0 when the id was there already
]]
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[1])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
return 1
