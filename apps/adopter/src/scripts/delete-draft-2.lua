--[[
  Delete a draft, once per source message.

  KEYS[1]  the chat's drafts hash (number -> draft JSON)
  KEYS[2]  the chat's by-source hash (source message id -> draft number)
  ARGV[1]  source message id
  ARGV[2]  draft number

  Returns  the deleted draft's JSON, or '' when there was none or this source deleted it before
]]
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return ''
end
local current = redis.call('HGET', KEYS[1], ARGV[2])
if not current then
  return ''
end
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return current
