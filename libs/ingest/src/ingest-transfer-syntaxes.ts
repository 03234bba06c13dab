import { supportedTransferSyntaxes } from '@nidus/imaging';

/**
 * The transfer syntaxes ingest accepts (C-STORE presentation contexts, STOW-RS parts): exactly those
 * libs/imaging decodes, so everything stored can be analysed and served as frames.
 */
export function ingestTransferSyntaxes(): string[] {
  return supportedTransferSyntaxes();
}
