/** Why a diffusion series cannot give a core: one typed error per reason, each with the reason as its message. */
export class DiffusionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The images are not a diffusion acquisition that a core can be measured on (no b = 0 / high-b pair, no ADC map). */
export class NotDiffusionSeriesError extends DiffusionError {}

/** Nothing in the images is a brain (too little signal, too small). */
export class NoBrainError extends DiffusionError {}
