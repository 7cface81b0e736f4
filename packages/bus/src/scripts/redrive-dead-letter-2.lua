--[[
  Send one dead letter back to the group that failed it: delete it from the dead-letter stream and
  append it to that group's redrive stream, atomically. A dead letter retried (or dropped) twice at
  once is redriven once: the loser finds it gone.

  KEYS[1]  the dead-letter stream
  KEYS[2]  the redrive stream of the failing group
  ARGV[1]  dead-letter entry id
  ARGV[2..] fields of the redrive entry, name/value pairs (the original entry plus its history)

  Returns  the redrive entry id, or false when the dead letter no longer exists
]]
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then
  return false
end
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
return redis.call('XADD', KEYS[2], '*', unpack(fields))
