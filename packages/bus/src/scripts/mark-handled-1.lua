--[[
  Mark message ids as handled by a group, for `ttl` ms: a sorted set scored by expiry time. Expired
  marks are pruned as new ones arrive, and the whole set expires once the group stops marking.

  KEYS[1]  the group's handled-marks set (keys.seen)
  ARGV[1]  now, ms since epoch
  ARGV[2]  ttl of a mark, ms
  ARGV[3..] message ids

  Returns  the number of ids that were not marked before
]]
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local added = 0
for i = 3, #ARGV do
  added = added + redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ttl)
return added
