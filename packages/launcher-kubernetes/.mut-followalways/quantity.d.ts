export type ResourceName = "cpu" | "memory";
/**
 * The numeric value of a quantity (cores for cpu, bytes for memory), or a reason it is invalid.
 * Negative and zero amounts are invalid for requests and limits.
 */
export declare function parseQuantity(text: string, resource: ResourceName): {
    value: number;
} | {
    problem: string;
};
/** True when `text` is a valid quantity for `resource`. */
export declare function isValidQuantity(text: string, resource: ResourceName): boolean;
//# sourceMappingURL=quantity.d.ts.map