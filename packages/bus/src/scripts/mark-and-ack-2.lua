--[[
  Mark messages handled by a group and ack their entries, as one step. Marking and acking together
  leaves no state between the two for a crash or a failure to find: either both are done, or
  neither (the entries stay pending and their handlers run again: at-least-once, never an ack
  without its mark).

  KEYS[1]  the group's handled-marks set (keys.seen), scored by each mark's expiry
  KEYS[2]  the stream key the entries were read from: the stream, or the group's redrive stream
  ARGV[1]  now, ms since epoch
  ARGV[2]  ttl of a mark, ms
  ARGV[3]  the consumer group
  ARGV[4]  "1" to delete the acked entries too (the group's own redrive stream), else "0"
  ARGV[5..] pairs: message id, entry id

  Returns  the number of entries acked
]]
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local ids = {}
for i = 5, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
  ids[#ids + 1] = ARGV[i + 1]
end
redis.call('PEXPIRE', KEYS[1], ttl)
local acked = redis.call('XACK', KEYS[2], ARGV[3], unpack(ids))
if ARGV[4] == '1' then
  redis.call('XDEL', KEYS[2], unpack(ids))
end
return acked
