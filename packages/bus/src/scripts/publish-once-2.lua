--[[
  Idempotent publish: append the entry unless the same message id was published to this stream
  within the window; the mark holds the entry id, so a duplicate learns where the first one went.

  KEYS[1]  the publish mark of (stream, message id)
  KEYS[2]  the stream
  ARGV[1]  window, ms
  ARGV[2]  retention kind: "" (none), "MAXLEN" or "MINID" (approximate, "~")
  ARGV[3]  retention threshold (ignored when ARGV[2] is "")
  ARGV[4..] entry fields, name/value pairs

  Returns  {entry id, 1} when appended; {first entry id, 0} for a duplicate
]]
local existing = redis.call('GET', KEYS[1])
if existing then
  return {existing, 0}
end
local fields = {}
for i = 4, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local id
if ARGV[2] == '' then
  id = redis.call('XADD', KEYS[2], '*', unpack(fields))
else
  id = redis.call('XADD', KEYS[2], ARGV[2], '~', ARGV[3], '*', unpack(fields))
end
redis.call('SET', KEYS[1], id, 'PX', ARGV[1])
return {id, 1}
