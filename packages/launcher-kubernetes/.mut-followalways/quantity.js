/**
 * The launcher's rules for cpu and memory quantities in flyt.yaml and run tags, on top of
 * Kubernetes' grammar (@flyt/kubernetes): positive, no milli-bytes, enough memory for a run
 * worker; the numeric value is for comparisons (request ≤ limit).
 */
import { readQuantity } from "@flyt/kubernetes";
/**
 * The numeric value of a quantity (cores for cpu, bytes for memory), or a reason it is invalid.
 * Negative and zero amounts are invalid for requests and limits.
 */
export function parseQuantity(text, resource) {
    if (typeof text !== "string")
        return { problem: `must be a string such as ${resource === "cpu" ? '"500m"' : '"512Mi"'}` };
    const quantity = readQuantity(text);
    // Kubernetes allows a sign; a request or limit never needs "+", and "-" is always wrong.
    if (quantity === null || quantity.sign !== "") {
        return {
            problem: `${JSON.stringify(text)} is not a Kubernetes quantity (examples: ${resource === "cpu" ? '"250m", "1", "1.5"' : '"256Mi", "1Gi", "500M"'})`,
        };
    }
    const { digits, suffix, value } = quantity;
    if (!(value > 0) || !Number.isFinite(value))
        return { problem: `${JSON.stringify(text)} must be greater than zero` };
    if (resource === "memory" && suffix === "m") {
        return { problem: `${JSON.stringify(text)} means milli-bytes; did you mean ${JSON.stringify(`${digits}Mi`)}?` };
    }
    if (resource === "memory" && value < 2 ** 20) {
        return { problem: `${JSON.stringify(text)} is less than 1 MiB, too little memory for a run worker` };
    }
    return { value };
}
/** True when `text` is a valid quantity for `resource`. */
export function isValidQuantity(text, resource) {
    return "value" in parseQuantity(text, resource);
}
//# sourceMappingURL=quantity.js.map