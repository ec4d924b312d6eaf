export * from "./organisations";
export * from "./auth";
export * from "./maturity";
export * from "./consent";
export * from "./indemnity";
export * from "./agreements";
export * from "./cases";
export * from "./system";
