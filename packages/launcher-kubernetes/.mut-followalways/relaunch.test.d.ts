export {};
//# sourceMappingURL=relaunch.test.d.ts.map