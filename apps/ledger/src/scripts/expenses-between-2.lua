--[[
  One chat's expenses over a span of days, in one round trip: the ids the by-day index holds for
  those days, then their JSON from the hash. Only reads.

  KEYS[1]  the chat's by-day sorted set (expense id, scored by day number)
  KEYS[2]  the chat's expenses hash (expense id -> JSON)
  ARGV[1]  first day number (days since 1970-01-01), inclusive
  ARGV[2]  last day number, inclusive

  Returns  the expenses' JSON, by day; an id the hash does not hold is left out
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])
local out = {}
-- In slices: unpack() of a long span's ids would pass Lua's limit on a call's arguments.
for first = 1, #ids, 500 do
  local values = redis.call('HMGET', KEYS[2], unpack(ids, first, math.min(first + 499, #ids)))
  for i = 1, #values do
    if values[i] then
      out[#out + 1] = values[i]
    end
  end
end
return out
