--[[
  Take back the newest habit entry still stored. Its day leaves the habit's streak days only if no
  other entry of the same kind is logged on that day. The answer is remembered under the undo
  message's mark, so the same undo message (redelivered) gets the same answer and removes nothing more.

  KEYS[1]     the chat's entries hash
  KEYS[2]     the chat's by-day sorted set
  KEYS[3]     the chat's recent list
  KEYS[4]     the undo message's mark (a string)
  KEYS[5..9]  the days sorted set of each habit kind, in the order of ARGV[2..6]
  ARGV[1]     how long the mark is kept, seconds
  ARGV[2..6]  the habit kinds (HABIT_KINDS), in the order of KEYS[5..9]

  Returns     the removed entry's JSON, or '' when there was none
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
    local entry = cjson.decode(json)
    local score = redis.call('ZSCORE', KEYS[2], id)
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    local still = false
    if score then
      for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], score, score)) do
        local o = redis.call('HGET', KEYS[1], other)
        if o and cjson.decode(o).kind == entry.kind then
          still = true
          break
        end
      end
    end
    if not still then
      for i = 2, #ARGV do
        if ARGV[i] == entry.kind then
          redis.call('ZREM', KEYS[3 + i], entry.day)
        end
      end
    end
    removed = json
    break
  end
end
redis.call('SET', KEYS[4], removed, 'EX', tonumber(ARGV[1]))
return removed
