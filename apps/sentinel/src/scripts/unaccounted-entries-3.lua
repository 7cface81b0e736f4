--[[
  The entries a group let go of without handling them. An entry leaves a group's pending list when
  it is acked (or its consumer deleted); the group's own consumers ack only after they mark the
  message handled or write its dead letter. So an entry delivered to the group, no longer pending,
  still in the stream, whose message id is not among the group's handled marks and which no dead
  letter of the group names, was acked, claimed away and acked, or dropped with its consumer by
  someone else: Redis lets any agent that reads the stream XACK, XCLAIM, XREADGROUP and XGROUP
  DELCONSUMER in another agent's group. A group that has never marked anything (not idempotent)
  cannot be checked: nothing is returned for it.
  Only entry ids leave Redis: never a field of an entry or of a dead letter.
  An entry's message id and type are read from either envelope form (the `hive2` header, or the
  flat `id` and `type` fields).

  KEYS[1]  the stream (keys.stream)
  KEYS[2]  the group's handled marks (keys.seen(stream, group)): a sorted set of message ids
  KEYS[3]  the group's dead letters (keys.deadLetters(stream, group))
  ARGV[1]  the group
  ARGV[2]  how many of the group's newest dead letters to look at
  ARGV[3]  the group's last-delivered id at the last look ("" for none): entries after it and up to
           ARGV[4] were delivered since
  ARGV[4]  the group's last-delivered id now
  ARGV[5]  at most this many of those entries are looked at
  ARGV[6]  the message types the group handles, one per line ("" for every type): the agent
           runtime acks the others unmarked (skipped, not handled)
  ARGV[7]  the intents the group handles, one per line ("" for every intent): on intent.classified,
           an agent that declares intents is handed only those, and the runtime acks an entry whose
           payload's `intent` is another one unmarked (skipped, not handled)
  ARGV[8..] entry ids that were pending at the last look and are not now

  Returns  the entry ids the group did not account for (ascending for the range, then the others)
]]
if redis.call('EXISTS', KEYS[2]) == 0 then
  return {}
end
local dead = {}
for _, e in ipairs(redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', tonumber(ARGV[2]))) do
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'dl.entry' then
      dead[f[i + 1]] = true
    end
  end
end
-- A set of the lines of `arg`, or nil for "" (every one).
local function lines(arg)
  if arg == '' then
    return nil
  end
  local set = {}
  for t in string.gmatch(arg, '[^\n]+') do
    set[t] = true
  end
  return set
end
local handles = lines(ARGV[6])
local intents = lines(ARGV[7])
local function handled(entry)
  local f = entry[2]
  local mid = nil
  local mtype = nil
  local data = nil
  local form2 = false
  for j = 1, #f, 2 do
    if f[j] == 'hive2' then
      -- Envelope form 2 (the bus's envelope.ts): the header starts 'type v id …', and wins over
      -- any flat field beside it, as the decoder's does.
      local t, _, i = string.match(f[j + 1], '^(%S*) (%S*) (%S*)')
      mtype = t
      mid = i
      form2 = true
    elseif f[j] == 'id' and not form2 then
      mid = f[j + 1]
    elseif f[j] == 'type' and not form2 then
      mtype = f[j + 1]
    elseif f[j] == 'data' then
      data = f[j + 1]
    end
  end
  if handles ~= nil and mtype ~= nil and not handles[mtype] then
    return true
  end
  if intents ~= nil and data ~= nil then
    -- Skipped for its intent (agent-handler.ts acceptOf); a payload that is not JSON was not.
    local ok, d = pcall(cjson.decode, data)
    if ok and type(d) == 'table' and type(d.intent) == 'string' and not intents[d.intent] then
      return true
    end
  end
  return mid ~= nil and redis.call('ZSCORE', KEYS[2], mid) ~= false
end
local out = {}
local checked = {}
local function check(entry)
  local id = entry[1]
  if checked[id] then
    return
  end
  checked[id] = true
  if dead[id] or handled(entry) then
    return
  end
  if #redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1) > 0 then
    return
  end
  out[#out + 1] = id
end
if ARGV[3] ~= '' then
  for _, e in ipairs(redis.call('XRANGE', KEYS[1], '(' .. ARGV[3], ARGV[4], 'COUNT', tonumber(ARGV[5]))) do
    check(e)
  end
end
for i = 8, #ARGV do
  -- Gone from the stream: trimmed or deleted (the entries-lost check's business), not an ack.
  local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
  if #e > 0 then
    check(e[1])
  end
end
return out
