--[[
  Count the entries of a stream in an id range, server-side and in pages, so that planning a trim
  never ships the entries themselves to the client. Stops counting at a limit.

  KEYS[1]  the stream
  ARGV[1]  start id, inclusive ("-" for the first; "(" prefix for exclusive)
  ARGV[2]  end id, inclusive ("+" for the last; "(" prefix for exclusive)
  ARGV[3]  limit: stop after this many entries

  Returns  {count, id of the last entry counted or ""}: with count == limit, that id is the
           limit-th entry of the range
]]
local limit = tonumber(ARGV[3])
local start = ARGV[1]
local count = 0
local last = ''
while count < limit do
  local page = redis.call('XRANGE', KEYS[1], start, ARGV[2], 'COUNT', math.min(limit - count, 1000))
  if #page == 0 then
    break
  end
  count = count + #page
  last = page[#page][1]
  start = '(' .. last
end
return {count, last}
