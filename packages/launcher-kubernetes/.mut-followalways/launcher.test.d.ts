export {};
//# sourceMappingURL=launcher.test.d.ts.map