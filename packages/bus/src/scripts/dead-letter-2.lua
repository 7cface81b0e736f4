--[[
  Move one entry to a dead-letter stream and ack it, atomically: either both happen or neither.
  Skips (returns false) when the group no longer has the entry pending, so two consumers racing
  on the same entry never write two dead letters.

  KEYS[1]  the stream the entry was read from
  KEYS[2]  the dead-letter stream
  ARGV[1]  consumer group
  ARGV[2]  entry id
  ARGV[3]  approximate max length of the dead-letter stream ("0" = unbounded)
  ARGV[4..] dead-letter fields, name/value pairs

  Returns  the dead-letter entry id, or false when the entry was not pending
]]
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if acked == 0 then
  return false
end
local fields = {}
for i = 4, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
if ARGV[3] ~= '0' then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
end
return redis.call('XADD', KEYS[2], '*', unpack(fields))
