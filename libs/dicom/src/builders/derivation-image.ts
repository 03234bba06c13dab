import type { DicomElements } from '../part10-writer';
import { CodedConcept, codeSequence, Codes } from './coded-concept';
import type { SourceSlice } from './source-slices';

/** PS3.3 C.7.6.16.2.6 Derivation Image of one frame: the source slice it was derived from, and how. */
export function derivationImageSequence(slice: SourceSlice, derivation: CodedConcept): DicomElements[] {
  return [
    {
      DerivationCodeSequence: codeSequence(derivation),
      SourceImageSequence: [
        {
          ReferencedSOPClassUID: slice.SOPClassUID,
          ReferencedSOPInstanceUID: slice.SOPInstanceUID,
          PurposeOfReferenceCodeSequence: codeSequence(Codes.SourceImageForImageProcessingOperation),
        },
      ],
    },
  ];
}
