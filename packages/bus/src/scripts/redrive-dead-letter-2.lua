--[[
  Send one dead letter back to the group that failed it: append it to that group's redrive stream
  FIRST, then delete it from the dead-letter stream, atomically. If the append fails, nothing is
  deleted. A dead letter retried (or dropped) twice at once is redriven once: the loser finds it gone.

  The redrive entry carries the original entry as one field (`dl.original`, a JSON array), plus its
  history (`dl.entry`, `dl.retries`, `dl.history`), so an entry of any size is redriven.

  KEYS[1]  the dead-letter stream holding it (a group's, or the shared one of earlier versions)
  KEYS[2]  the redrive stream of the failing group
  ARGV[1]  dead-letter entry id
  ARGV[2..] fields of the redrive entry, name/value pairs (a handful)

  Returns  the redrive entry id, or false when the dead letter no longer exists
]]
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1], 'COUNT', 1)
if #found == 0 then
  return false
end
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
