"""The Lua script that counts one batch of break-in signals in Redis, atomically (W2).

See stores/redis.py for the layout of buckets and records; this module holds only the script,
so that the Python side stays readable.
"""

# ARGV: now, window, threshold, max paths, bucket prefix, then the batch, one line per
# subject, "\n"-separated, then the first records, "\n"-separated: "<rule 1-8> <record>" of
# one signal per (rule, path) pair that occurs in the batch (sent once, not once per line):
#   "=<key hex> <first record number>"   one signal
#   "=<key hex> <old key hex> <first record number>"   the same in the first window after a
#                                                      rotation of the secret
#   "<key hex> <old key hex or -> r:n,…<TAB>path<TAB>…"   else: n signals of rule r (1-8)
ADD_SCRIPT = """
local now, w, th = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local maxp, prefix = tonumber(ARGV[4]), ARGV[5]
local b = math.floor(now / w)
local names = {prefix .. b, prefix .. (b - 1), prefix .. (b - 2)}
local find, sub = string.find, string.sub
local function spaces(s, n)  -- the position of the n-th space in s
  local at = 0
  for _ = 1, n do at = find(s, ' ', at + 1, true) end
  return at
end
local function bump(rest, token, n)  -- add n to the token-th number of rest (1 = first)
  local a = spaces(rest, token)
  local b = find(rest, ' ', a + 1, true)
  local t = find(rest, '\\t', a + 1, true)
  if not b or t < b then b = t end
  return sub(rest, 1, a) .. (tonumber(sub(rest, a + 1, b - 1)) + n) .. sub(rest, b)
end
local function chunked(cmd, name, list)  -- Lua's stack holds a few thousand arguments
  if #list <= 1000 then return redis.call(cmd, name, unpack(list)) end
  local out = {}
  for i = 1, #list, 1000 do
    local part = redis.call(cmd, name, unpack(list, i, math.min(i + 999, #list)))
    if type(part) == 'table' then for j = 1, #part do out[i + j - 1] = part[j] end end
  end
  return out
end
-- The newest record of each of `fields` at `positions` and the bucket (1 = b) it was in.
local function newest(fields, positions, raws, at)
  for j = 1, 3 do
    if #positions == 0 then return end
    local ask = {}
    for n = 1, #positions do ask[n] = fields[positions[n]] end
    local got, still = chunked('HMGET', names[j], ask), {}
    for n = 1, #positions do
      local i = positions[n]
      if got[n] then raws[i] = got[n]; at[i] = j else still[#still + 1] = i end
    end
    positions = still
  end
end
local function split(text)  -- at each newline (a plain find: much cheaper than a pattern)
  local parts, from = {}, 1
  while true do
    local to = find(text, '\\n', from, true)
    parts[#parts + 1] = sub(text, from, (to or 0) - 1)
    if not to then return parts end
    from = to + 1
  end
end
local lines, firsts, keys = split(ARGV[6]), split(ARGV[7]), {}
for i = 1, #lines do
  local o = string.byte(lines[i], 1) == 61 and 2 or 1  -- '='
  keys[i] = sub(lines[i], o, o + 15)
end
-- The newest record of each subject: one HMGET per bucket for the whole batch.
local got = {chunked('HMGET', names[1], keys), chunked('HMGET', names[2], keys),
             chunked('HMGET', names[3], keys)}
local raws, at = {}, {}
for j = 3, 1, -1 do
  local g = got[j]
  for i = 1, #keys do
    if g[i] then raws[i] = g[i]; at[i] = j end
  end
end
-- Rotation of the secret: a subject without a record may have one under its old key.
local olds, oldpos, oldraws, oldat = {}, {}, {}, {}
for i = 1, #lines do
  local line = lines[i]
  if not raws[i] and (string.byte(line, 1) ~= 61 or #line > 34) then
    local o = string.byte(line, 1) == 61 and 2 or 1
    local old = sub(line, o + 17, o + 32)
    if string.byte(old, 1) ~= 45 then olds[i] = old; oldpos[#oldpos + 1] = i end  -- '-'
  end
end
newest(olds, oldpos, oldraws, oldat)
local sets, dels, out = {}, {{}, {}, {}}, {}
for i = 1, #lines do
  local line, k, raw = lines[i], keys[i], raws[i]
  if at[i] and at[i] > 1 then table.insert(dels[at[i]], k) end  -- moved into bucket b
  if not raw and oldraws[i] then
    raw = oldraws[i]
    table.insert(dels[oldat[i]], olds[i])
  end
  local ws = raw and tonumber(sub(raw, 1, find(raw, ' ', 1, true) - 1))
  if ws and now - ws >= 2 * w then raw = nil end  -- both windows over: it says nothing
  local fresh = string.byte(line, 1) == 61 and firsts[tonumber(sub(line, #line > 34 and 36 or 19))]
  if fresh and not raw then
    sets[#sets + 1] = k; sets[#sets + 1] = sub(fresh, 3)  -- the common case of a flood
  else
    -- The record is spliced, never parsed whole: "ws cur prev" are read, then only the
    -- counts that change are rewritten inside `rest` = " first c1 … c8 npaths\\t<paths>".
    local cur, prev, rest, paths = 0, 0, nil, nil
    if raw then
      local s1 = find(raw, ' ', 1, true)
      local s2 = find(raw, ' ', s1 + 1, true)
      local s3 = find(raw, ' ', s2 + 1, true)
      cur, prev, rest = tonumber(sub(raw, s1 + 1, s2 - 1)), tonumber(sub(raw, s2 + 1, s3 - 1)),
        sub(raw, s3)
    else
      ws, rest = now, ' ' .. now .. ' 0 0 0 0 0 0 0 0 0\\t'
    end
    local el = now - ws
    if el >= w then prev = cur; ws = ws + w; el = el - w; cur = 0 end  -- a new window
    if fresh then  -- one signal of a subject with a record: its rule's count goes up by one
      rest = bump(rest, string.byte(fresh, 1) - 47, 1)
      cur = cur + 1
      local t = find(fresh, '\\t', 3, true)
      paths = t and sub(fresh, t) or ''
    else  -- "r:n" per rule that fired in this batch
      local counts
      counts, paths = string.match(line, '^%x+ [%x-]+ ([%d:,]+)(.*)$')
      for r, n in string.gmatch(counts, '(%d+):(%d+)') do
        n = tonumber(n)
        rest = bump(rest, tonumber(r) + 1, n)
        cur = cur + n
      end
    end
    local tab = find(rest, '\\t', 1, true)
    local have, npat = sub(rest, tab), spaces(rest, 10)
    local np0 = tonumber(sub(rest, npat + 1, tab - 1))
    local np = np0
    for p in string.gmatch(paths, '[^\\t]+') do
      if np < maxp and not find(have, '\\t' .. p .. '\\t', 1, true) then
        have = have .. p .. '\\t'
        np = np + 1
      end
    end
    if np ~= np0 then rest = sub(rest, 1, npat) .. np .. have end
    local value = ws .. ' ' .. cur .. ' ' .. prev .. rest
    if cur * w + prev * (w - el) >= th * w then
      if at[i] == 1 then table.insert(dels[1], k) end
      out[#out + 1] = i .. ' ' .. value
    else
      sets[#sets + 1] = k; sets[#sets + 1] = value
    end
  end
end
for j = 1, 3 do
  if #dels[j] > 0 then chunked('HDEL', names[j], dels[j]) end
end
if #sets > 0 then
  chunked('HSET', names[1], sets)
  redis.call('EXPIRE', names[1], (b + 3) * w - now)  -- two windows after the bucket ends
end
return table.concat(out, '\\n')  -- one string: nested arrays cost more to parse in redis-py
"""
