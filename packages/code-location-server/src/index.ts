/** @flyt/code-location-server (being built). */
export {};
