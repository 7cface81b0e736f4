--[[
  Replace a draft by its next revision, once per source message and only over the revision the
  edit was made against; the replaced revision is kept in the history (for undo).

  KEYS[1]  the chat's drafts hash (number -> draft JSON)
  KEYS[2]  the chat's by-source hash (source message id -> draft number)
  KEYS[3]  the chat's history hash ("<number>:<revision>" -> that revision's JSON)
  ARGV[1]  source message id
  ARGV[2]  draft number
  ARGV[3]  the revised draft's JSON
  ARGV[4]  the revision the edit expects to replace

  Returns  1 when applied, 0 when this source was applied before, -1 when the draft is gone,
           -2 when it changed meanwhile (another revision is current)
]]
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return 0
end
local current = redis.call('HGET', KEYS[1], ARGV[2])
if not current then
  return -1
end
if cjson.decode(current).revision ~= tonumber(ARGV[4]) then
  return -2
end
redis.call('HSET', KEYS[3], ARGV[2] .. ':' .. ARGV[4], current)
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
