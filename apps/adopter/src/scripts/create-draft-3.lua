--[[
  Store a new draft for a source message, once: the same source always gets the same number back,
  and numbers are never reused.

  KEYS[1]  the chat's drafts hash (number -> draft JSON)
  KEYS[2]  the chat's last number given (INCR)
  KEYS[3]  the chat's by-source hash (source message id -> draft number)
  ARGV[1]  source message id
  ARGV[2]  draft JSON

  Returns  {1, number} when created, {0, number} when this source had created one already
]]
local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing then
  return {0, existing}
end
local n = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], n, ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], n)
return {1, tostring(n)}
