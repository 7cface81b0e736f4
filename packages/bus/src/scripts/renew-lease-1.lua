--[[
  Reset the idle time of entries this consumer still owns (XCLAIM … JUSTID to itself), so the
  reclaimer of another consumer never takes an entry whose handler is still running. An entry
  already claimed by someone else is left alone and reported, never stolen back.

  KEYS[1]  stream
  ARGV[1]  consumer group
  ARGV[2]  consumer (the owner renewing its lease)
  ARGV[3..] entry ids

  Returns  the ids this consumer no longer owns (lost or already acked)
]]
local lost = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local row = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1, ARGV[2])
  if #row == 1 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'JUSTID')
  else
    lost[#lost + 1] = id
  end
end
return lost
