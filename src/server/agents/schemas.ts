// Input schemas for hiring, firing and tasks, shared by the tRPC routers and the REST twins.
import { z } from 'zod';
import { MODEL_ID } from '../config';
import { smartnessLevels } from '../db/schema-agents';

/** A model people choose: `provider/model` from a safe character set (it may become a worker's argv word). */
export const modelSchema = z
  .string({ error: 'model must be a string' })
  .trim()
  .max(200, 'model must be at most 200 characters')
  .regex(MODEL_ID, 'model must be provider/model, e.g. anthropic/claude-sonnet-4-5');

/** Names people could not mention an agent by, or that mean everyone. */
export const RESERVED_NAMES = ['team', 'all', 'everyone', 'here', 'channel', 'admin', 'system'];

export const agentNameSchema = z
  .string({ error: 'name must be a string' })
  .trim()
  .toLowerCase()
  .min(2, 'name must be 2-32 characters: letters, digits, "_" or "-"')
  .max(32, 'name must be 2-32 characters: letters, digits, "_" or "-"')
  .regex(/^[a-z0-9_-]+$/, 'name may only use letters, digits, "_" and "-" (e.g. alice or fe-dev)')
  // Mentions are normalised (trailing -/_ and "-bot" dropped): such a name could never be mentioned.
  .regex(/^[a-z0-9].*[a-z0-9]$/, 'name must start and end with a letter or digit')
  .refine((name) => !name.endsWith('-bot'), 'name must not end in -bot (@alice-bot means @alice)')
  .refine((name) => !RESERVED_NAMES.includes(name), {
    error: `name is reserved (${RESERVED_NAMES.join(', ')}); pick another`,
  });

export const hireInputSchema = z.object({
  name: agentNameSchema,
  role: z
    .string({ error: 'role must be a string, e.g. developer, designer, tester' })
    .trim()
    .min(1, 'role is empty: e.g. developer, frontend-developer, designer, tester, devops')
    .max(64, 'role must be at most 64 characters'),
  smartness: z
    .enum(smartnessLevels, { error: `smartness must be one of ${smartnessLevels.join(', ')}` })
    .default('normal'),
  /** This agent's model; unset: AGENT_MODEL, else opencode's default. Checked against opencode's models. */
  model: modelSchema.optional(),
});
export type HireInput = z.infer<typeof hireInputSchema>;

export const taskDescriptionSchema = z
  .string({ error: 'description must be a string' })
  .trim()
  .min(1, 'description is empty: say what the task is, e.g. "add a login form"')
  .max(2000, 'description must be at most 2000 characters');

export const assignInputSchema = z.object({
  employee: agentNameSchema,
  description: taskDescriptionSchema,
  model: modelSchema.optional(),
  mode: z
    .string()
    .trim()
    // Never starting with "-": it may become a worker's argv word (issue 15.5).
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/i, 'mode must be a single word such as build or plan')
    .optional(),
});
export type AssignInput = z.infer<typeof assignInputSchema>;
