--[[
  Take back the newest expense still stored, and remember the answer under the undo message's mark,
  so that the same undo message (redelivered) gets the same answer and removes nothing more.

  KEYS[1]  the chat's expenses hash
  KEYS[2]  the chat's by-day sorted set
  KEYS[3]  the chat's recent list
  KEYS[4]  the undo message's mark (a string)
  ARGV[1]  how long the mark is kept, seconds

  Returns  the removed expense's JSON, or '' when there was none
]]
local done = redis.call('GET', KEYS[4])
if done then
  return done
end
local removed = ''
while true do
  local id = redis.call('LPOP', KEYS[3])
  if not id then
    break
  end
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    removed = json
    break
  end
end
redis.call('SET', KEYS[4], removed, 'EX', tonumber(ARGV[1]))
return removed
