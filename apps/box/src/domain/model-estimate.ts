/**
 * Foods the table does not know, estimated by a model when one is configured. The table always
 * goes first; the model only fills gaps, and an estimate that breaks physics (more kcal than pure
 * fat, more macros than weight) is dropped rather than logged.
 */
import { z } from 'zod';
import type { LoggedItem } from './macros.js';
import { roundMacros } from './macros.js';

/** The extraction name, shared by the online call and the offline extractor. */
export const MODEL_ESTIMATE = 'food_estimate';

/** What the model is asked for: one entry per food named. */
export const modelEstimateSchema = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      grams: z.number(),
      kcal: z.number(),
      proteinG: z.number(),
      carbsG: z.number(),
      fatG: z.number(),
    }),
  ),
});
export type ModelEstimate = z.output<typeof modelEstimateSchema>;

/** Guidance for the model. */
export const MODEL_INSTRUCTIONS =
  'Estimate the nutrition of each food the user lists, as typically served in the quantity given (one ordinary portion if none). ' +
  'For each, give name (as the user wrote it), grams, kcal, proteinG, carbsG and fatG for that quantity, using standard reference values such as USDA FoodData Central. ' +
  'List only the foods given, in order; leave out anything that is not a food.';

/** The prompt: one food per line, as said. */
export function modelPrompt(names: readonly string[]): string {
  return names.map((n) => `- ${n}`).join('\n');
}

/** The model's estimates that are physically plausible, as logged items; the names it could not place stay unknown. */
export function acceptEstimates(estimate: ModelEstimate, asked: readonly string[]): { items: LoggedItem[]; unknown: string[] } {
  const items: LoggedItem[] = [];
  const left = new Set(asked);
  for (const e of estimate.items) {
    const said = asked.find((a) => a.toLowerCase() === e.name.trim().toLowerCase()) ?? asked.find((a) => left.has(a) && a.toLowerCase().includes(e.name.trim().toLowerCase()));
    if (said === undefined || !left.has(said)) continue;
    const macros = [e.kcal, e.proteinG, e.carbsG, e.fatG];
    if (!(e.grams > 0 && e.grams <= 5000) || macros.some((m) => !Number.isFinite(m) || m < 0)) continue;
    if (e.kcal > e.grams * 9.5 || e.proteinG + e.carbsG + e.fatG > e.grams * 1.05) continue;
    // Energy from the macros (4/4/9 kcal per g) may fall short of the kcal stated (alcohol has 7), never exceed it by much.
    const fromMacros = e.proteinG * 4 + e.carbsG * 4 + e.fatG * 9;
    if (fromMacros > e.kcal * 1.35 + 50) continue;
    left.delete(said);
    items.push({ name: said.toLowerCase(), grams: Math.round(e.grams), said, ...roundMacros(e) });
  }
  return { items, unknown: asked.filter((a) => left.has(a)) };
}
