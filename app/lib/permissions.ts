import type { Role } from "../../db/schema/enums";
export { ROLES, type Role } from "../../db/schema/enums";

// Isomorphic: who may see what. The server checks roles in every loader and action
// (requireRole); this module only decides what navigation to show.

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  board: "Partnership board",
  programme: "Programme team",
  ig_lead: "IG lead",
  ccg: "CCG indemnity manager",
  practitioner: "Practitioner",
};

export const ALL_ROLES: readonly Role[] = ["admin", "board", "programme", "ig_lead", "ccg", "practitioner"];

export type NavItem = { href: string; text: string; roles: readonly Role[] };

/** Primary navigation, in order. An item shows only to users holding one of its roles. */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", text: "Home", roles: ALL_ROLES },
  // The root loader adds the user's task count to this item's text ("Tasks (5)").
  { href: "/tasks", text: "Tasks", roles: ALL_ROLES },
  { href: "/exceptions", text: "Exceptions", roles: ALL_ROLES },
  { href: "/rollout", text: "Roll-out", roles: ALL_ROLES },
  { href: "/organisations", text: "Organisations", roles: ALL_ROLES },
  { href: "/agreements", text: "Agreements", roles: ALL_ROLES },
  { href: "/indemnity", text: "Indemnity", roles: ["ccg", "board", "programme"] },
  { href: "/consent", text: "Consent", roles: ALL_ROLES },
  { href: "/maturity", text: "Maturity", roles: ALL_ROLES },
  { href: "/cases", text: "Business cases", roles: ALL_ROLES },
  { href: "/board-pack", text: "Board pack", roles: ["board", "programme"] },
  { href: "/admin", text: "Admin", roles: ["admin"] },
];

export function hasAnyRole(userRoles: readonly Role[], allowed: readonly Role[]) {
  return userRoles.some((r) => allowed.includes(r));
}

export function navigationFor(userRoles: readonly Role[]) {
  return NAV_ITEMS.filter((item) => hasAnyRole(userRoles, item.roles));
}
