/** @flyt/webserver (being built). */
export {};
