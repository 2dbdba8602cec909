/** The engine's version, recorded in the provenance of the files it writes (equals package.json's; a test checks). */
export const ENGINE_VERSION = '0.1.0';
