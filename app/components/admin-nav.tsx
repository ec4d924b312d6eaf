import { NavLink } from "@remix-run/react";

const LINKS = [
  { to: "/admin", text: "Users and audit log", end: true },
  { to: "/admin/tokens", text: "API tokens", end: false },
  { to: "/admin/settings", text: "Settings", end: false },
  { to: "/admin/outbox", text: "Outbox", end: false },
];

/** Secondary navigation between the admin pages. */
export function AdminNav() {
  return (
    <nav aria-label="Administration" className="nhsuk-u-margin-bottom-5">
      <ul className="nhsuk-list sb-inline-list">
        {LINKS.map((l) => (
          <li key={l.to}>
            <NavLink to={l.to} end={l.end} className={({ isActive }) => (isActive ? "sb-current-link" : undefined)}>
              {({ isActive }) => (isActive ? <strong>{l.text}</strong> : l.text)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
