--[[
  Mark where a group's first deliveries can no longer be trusted to be first: every entry up to the
  stream's last one now is asked about (the group's handled marks), whatever its header vouches
  (middleware/idempotency.ts). Run before a group is created or moved back (`hive replay --reset`,
  a consumer re-creating its group), which deliver entries already handled as new to the group.
  The boundary is a member of the marks set (" from <entry id>", scored +inf: never expired with
  the marks, gone with the set), so it lives exactly as long as the marks it protects.

  KEYS[1]  the group's handled-marks set (keys.seen)
  KEYS[2]  the stream key
  ARGV     none

  Returns  the boundary's entry id, or false when there is nothing to protect (no marks, or an
           empty stream)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #last == 0 then return false end
local id = last[1][1]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '+inf', '+inf')
redis.call('ZADD', KEYS[1], '+inf', ' from ' .. id)
return id
