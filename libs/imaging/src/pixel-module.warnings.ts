// What was odd about an Image Pixel module that could still be read: kept on the module, never thrown.

export abstract class PixelModuleWarning {
  readonly name: string = this.constructor.name;
  constructor(readonly message: string) {}
}

/** NumberOfFrames is not an IS (PS3.5 6.2), e.g. '1A': its leading integer is used, as GDCM reads it. */
export class MalformedNumberOfFramesWarning extends PixelModuleWarning {
  constructor(
    readonly value: string,
    readonly used: number,
  ) {
    super(`NumberOfFrames '${value}' is not an integer string: read as ${used}`);
  }
}
