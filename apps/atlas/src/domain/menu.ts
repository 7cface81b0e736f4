/**
 * The help menu, drawn from the agents that are live at the moment it is asked for: each one's
 * description, skills and examples as the agent itself advertises them in its heartbeat record.
 * Nothing here names an agent, so a new agent shows up the moment it starts.
 */

/**
 * What atlas needs of a registry record (the bus's `AgentRecord` is one). Description and skills are
 * whatever the agent wrote: foreign input, checked and trimmed by `menuAgents`.
 */
export interface AgentEntry {
  readonly name: string;
  readonly instance?: string;
  readonly version?: string;
  readonly description?: unknown;
  readonly skills?: unknown;
  /** The intents it declares (the runtime writes its definition's `intents`). */
  readonly intents?: unknown;
  readonly lastSeen?: number;
  readonly status?: string;
}

export interface SkillEntry {
  readonly name: string;
  readonly description: string;
  readonly examples?: readonly string[];
}

/** One agent as the menu shows it, however many instances run. */
export interface MenuAgent {
  readonly name: string;
  readonly description: string;
  readonly skills: readonly SkillEntry[];
}

/** Keep at most this many characters of anything an agent advertises: a record is foreign input. */
const MAX_FIELD = 300;
/** Skills and examples shown per agent; a record listing hundreds must not flood the chat. */
const MAX_SKILLS = 12;
const MAX_EXAMPLES = 8;

function clean(s: unknown): string {
  if (typeof s !== 'string') return '';
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_FIELD ? `${one.slice(0, MAX_FIELD - 1)}…` : one;
}

function cleanSkills(skills: unknown): SkillEntry[] {
  if (!Array.isArray(skills)) return [];
  const out: SkillEntry[] = [];
  for (const s of skills.slice(0, MAX_SKILLS) as unknown[]) {
    if (typeof s !== 'object' || s === null) continue;
    const { name, description, examples } = s as Record<string, unknown>;
    const n = clean(name);
    if (n === '') continue;
    const ex = Array.isArray(examples) ? examples.map(clean).filter((e) => e !== '').slice(0, MAX_EXAMPLES) : [];
    out.push({ name: n, description: clean(description), examples: ex });
  }
  return out;
}

/**
 * The live agents as the menu lists them: one per name (the most recently seen instance speaks for
 * it), without those shutting down, sorted by name.
 */
export function menuAgents(records: readonly AgentEntry[]): MenuAgent[] {
  const byName = new Map<string, AgentEntry>();
  for (const r of records) {
    if (typeof r?.name !== 'string' || r.name === '' || r.status === 'stopping') continue;
    const seen = byName.get(r.name);
    if (!seen || (r.lastSeen ?? 0) > (seen.lastSeen ?? 0)) byName.set(r.name, r);
  }
  return [...byName.values()]
    .map((r) => ({ name: r.name, description: clean(r.description), skills: cleanSkills(r.skills) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function quote(example: string): string {
  return `"${example}"`;
}

/** The full menu: every live agent with skills, then those working behind the scenes; `hint` names a topic for "help …". */
export function helpMenu(agents: readonly MenuAgent[], hint?: string): string {
  if (agents.length === 0) return "No agents are running right now, so there's nothing I can offer yet. Try again in a moment.";
  const serving = agents.filter((a) => a.skills.length > 0);
  const behind = agents.filter((a) => a.skills.length === 0);
  const lines: string[] = [];
  lines.push(serving.length > 0 ? `Here's what I can do (${serving.length} ${serving.length === 1 ? 'agent' : 'agents'} running):` : 'None of the running agents takes requests yet.');
  for (const a of serving) {
    lines.push('');
    lines.push(a.description ? `*${a.name}* — ${a.description}` : `*${a.name}*`);
    for (const s of a.skills) {
      const example = s.examples?.[0];
      lines.push(`• ${s.name}${example ? `: ${quote(example)}` : s.description ? `: ${s.description}` : ''}`);
    }
  }
  if (behind.length > 0) {
    lines.push('');
    lines.push(`Behind the scenes: ${behind.map((a) => (a.description ? `${a.name} (${lowerFirst(stripDot(a.description))})` : a.name)).join('; ')}.`);
  }
  if (hint !== undefined && serving.length > 0) {
    lines.push('');
    lines.push(`Say *help ${hint}* (or another topic) for all of an agent's examples.`);
  }
  return lines.join('\n');
}

/** Everything one agent advertises: each skill with its description and all its examples. */
export function agentHelp(agent: MenuAgent): string {
  const lines = [agent.description ? `*${agent.name}* — ${agent.description}` : `*${agent.name}*`];
  if (agent.skills.length === 0) {
    lines.push('It works behind the scenes: there is nothing to say to it directly.');
    return lines.join('\n');
  }
  for (const s of agent.skills) {
    lines.push('');
    lines.push(s.description ? `*${s.name}* — ${s.description}` : `*${s.name}*`);
    for (const e of s.examples ?? []) lines.push(`• ${quote(e)}`);
  }
  return lines.join('\n');
}

function stripDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function lowerFirst(s: string): string {
  // Keep acronyms ("WhatsApp", "LLM") as they are; only a plain capitalised word is lowered.
  const first = /^\S+/.exec(s)?.[0] ?? '';
  return /^[A-Z][a-z]*$/.test(first.replace(/[^A-Za-z]+$/, '')) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** The intents the given registry records declare (`intents[].name`, foreign input: strings only). */
export function servedIntents(records: readonly AgentEntry[]): Set<string> {
  const out = new Set<string>();
  for (const r of records) {
    if (r.status === 'stopping' || !Array.isArray(r.intents)) continue;
    for (const i of r.intents as unknown[]) {
      const name = (i as { name?: unknown } | null)?.name;
      if (typeof name === 'string') out.add(name);
    }
  }
  return out;
}

/** The fallback for a message whose intent no running agent serves: say so, and what is there instead. */
export function unservedReply(intent: string, agents: readonly MenuAgent[]): string {
  const examples = agents.flatMap((a) => a.skills.flatMap((s) => s.examples?.slice(0, 1) ?? [])).slice(0, 3);
  const offer = examples.length > 0 ? ` For example: ${examples.map(quote).join(', ')}.` : '';
  return `I can't help with that right now: nothing that handles *${clean(intent)}* is running. Say *help* to see what I can do.${offer}`;
}
