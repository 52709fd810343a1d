// Types of the part of toolchain.mjs that the TypeScript tests import.
/** The project's root folder. */
export declare const root: string;
/** The Chromium binary the browser tests drive (CHROMIUM_PATH overrides); undefined when there is none. */
export declare function chromiumPath(): string | undefined;
