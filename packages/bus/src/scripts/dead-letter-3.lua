--[[
  Dead-letter one entry for one group: append the dead letter FIRST, then ack the entry (and, from
  the group's redrive stream, delete it). Lua runs the commands in order and stops at the first
  error, so a dead letter that cannot be written (wrong type, out of memory) leaves the entry
  pending and unacked: it is never acked without its dead letter. Skips (returns false) when the
  group no longer has the entry pending, so two consumers racing on the same entry never write two
  dead letters.

  Dead-letter ids are unique across the stream's groups (one garbage entry is dead-lettered by every
  group in the same millisecond, and an operator names a dead letter by its id): the id is taken
  after every group's newest one in the index. An index value more than a day ahead is ignored, and
  an id the group's own stream refuses (an index someone tampered with) falls back to Redis's own.

  The original entry travels as ONE field (`dl.original`, its fields as a JSON array), so an entry
  of any number of fields is dead-lettered; only the few `dl.*` fields are unpacked here.

  KEYS[1]  the stream the entry was read from (the stream, or the group's redrive stream)
  KEYS[2]  the group's dead-letter stream (keys.deadLetters(stream, group))
  KEYS[3]  the stream's index of groups with dead letters (keys.deadLetterGroups(stream)): a hash,
           group -> the id of its newest dead letter
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
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local horizon = ms + 86400000
local seq = 0
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do
  local vm, vs = string.match(v, '^(%d+)-(%d+)$')
  vm = tonumber(vm)
  vs = tonumber(vs)
  if vm and vs and vm <= horizon then
    if vm > ms then
      ms = vm
      seq = vs + 1
    elseif vm == ms and vs + 1 > seq then
      seq = vs + 1
    end
  end
end
local head = {'XADD', KEYS[2]}
if ARGV[3] ~= '0' then
  head = {'XADD', KEYS[2], 'MAXLEN', '~', ARGV[3]}
end
local fields = {}
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local function append(id)
  local args = {unpack(head)}
  args[#args + 1] = id
  for i = 1, #fields do
    args[#args + 1] = fields[i]
  end
  return args
end
local id = redis.pcall(unpack(append(string.format('%.0f-%.0f', ms, seq))))
if type(id) == 'table' and id.err then
  id = redis.call(unpack(append('*')))
end
redis.call('HSET', KEYS[3], ARGV[1], id)
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if ARGV[4] == '1' then
  redis.call('XDEL', KEYS[1], ARGV[2])
end
return id
