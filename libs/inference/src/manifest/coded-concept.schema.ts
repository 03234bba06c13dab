import { z } from 'zod/v4';

/**
 * A coded concept (PS3.3 8.1, Code Sequence Macro): CodingSchemeDesignator, CodeValue (SH, 16 characters at
 * most) and CodeMeaning (LO, 64 at most).
 */
export const codedConceptSchema = z
  .object({
    scheme: z.enum(['SCT', 'RADLEX', 'DCM']).describe('CodingSchemeDesignator: SCT (SNOMED CT), RADLEX or DCM (PS3.16)'),
    value: z
      .string()
      .min(1)
      .max(16)
      .regex(/^[^\\]+$/, 'no backslash')
      .describe('CodeValue'),
    meaning: z.string().min(1).max(64).describe('CodeMeaning'),
  })
  .strict()
  .meta({ id: 'CodedConcept' });

export type CodedConcept = z.infer<typeof codedConceptSchema>;

/** The key a finding is known by in result JSON and alert rules (`findings.<key>.present`). */
export const resultKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, _ and -, starting with a letter or digit')
  .describe('name in the result JSON and in alert rules (findings.<key>.present); default: the code value');
