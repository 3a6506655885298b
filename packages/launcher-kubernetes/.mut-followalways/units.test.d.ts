export {};
//# sourceMappingURL=units.test.d.ts.map