// The part of cornerstone-core 2.x the review page uses (the package ships no types).
declare module 'cornerstone-core' {
  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: { windowWidth: number; windowCenter: number };
    invert: boolean;
    pixelReplication: boolean;
    hflip: boolean;
    vflip: boolean;
    rotation: number;
  }
  export interface Image {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number;
    windowWidth: number;
    getPixelData: () => ArrayLike<number>;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    columnPixelSpacing: number;
    rowPixelSpacing: number;
    invert: boolean;
    sizeInBytes: number;
  }
  export interface EnabledElement {
    element: HTMLElement;
    image?: Image;
    viewport?: Viewport;
    canvas: HTMLCanvasElement;
  }
  export interface ImageRenderedDetail {
    canvasContext: CanvasRenderingContext2D;
    viewport: Viewport;
    image: Image;
    enabledElement: EnabledElement;
    element: HTMLElement;
  }
  const cornerstone: {
    enable(element: HTMLElement, options?: object): void;
    disable(element: HTMLElement): void;
    registerImageLoader(scheme: string, loader: (imageId: string) => { promise: Promise<Image> }): void;
    loadAndCacheImage(imageId: string): Promise<Image>;
    loadImage(imageId: string): Promise<Image>;
    displayImage(element: HTMLElement, image: Image, viewport?: Partial<Viewport>): void;
    getViewport(element: HTMLElement): Viewport | undefined;
    setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
    getEnabledElement(element: HTMLElement): EnabledElement;
    setToPixelCoordinateSystem(enabledElement: EnabledElement, context: CanvasRenderingContext2D, scale?: number): void;
    pixelToCanvas(element: HTMLElement, point: { x: number; y: number }): { x: number; y: number };
    resize(element: HTMLElement, fitToWindow?: boolean): void;
    reset(element: HTMLElement): void;
    updateImage(element: HTMLElement, invalidated?: boolean): void;
    fitToWindow(element: HTMLElement): void;
    EVENTS: { IMAGE_RENDERED: string; NEW_IMAGE: string };
  };
  export default cornerstone;
}
