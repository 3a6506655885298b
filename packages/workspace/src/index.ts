/** @flyt/workspace (being built). */
export {};
