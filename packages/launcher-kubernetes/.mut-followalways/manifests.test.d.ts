export {};
//# sourceMappingURL=manifests.test.d.ts.map