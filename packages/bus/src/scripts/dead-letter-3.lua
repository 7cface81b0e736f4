--[[
  Dead-letter one entry for one group: append the dead letter FIRST, then ack the entry (and, from
  the group's redrive stream, delete it). Lua runs the commands in order and stops at the first
  error, so a dead letter that cannot be written (wrong type, out of memory) leaves the entry
  pending and unacked: it is never acked without its dead letter. Skips (returns false) when the
  group no longer has the entry pending, so two consumers racing on the same entry never write two
  dead letters.

  The original entry travels as ONE field (`dl.original`, its fields as a JSON array), so an entry
  of any number of fields is dead-lettered; only the few `dl.*` fields are unpacked here.

  KEYS[1]  the stream the entry was read from (the stream, or the group's redrive stream)
  KEYS[2]  the group's dead-letter stream (keys.deadLetters(stream, group))
  KEYS[3]  the stream's index of groups with dead letters (keys.deadLetterGroups(stream))
  ARGV[1]  consumer group
  ARGV[2]  entry id
  ARGV[3]  approximate max length of the dead-letter stream ("0" = unbounded)
  ARGV[4]  "1" to delete the entry from KEYS[1] once acked (a redrive stream), else "0"
  ARGV[5..] dead-letter fields, name/value pairs

  Returns  the dead-letter entry id, or false when the entry was not pending
]]
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #pending == 0 then
  return false
end
local fields = {}
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local id
if ARGV[3] ~= '0' then
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
else
  id = redis.call('XADD', KEYS[2], '*', unpack(fields))
end
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if ARGV[4] == '1' then
  redis.call('XDEL', KEYS[1], ARGV[2])
end
return id
