export {};
//# sourceMappingURL=daemon.test.d.ts.map